"""Behaviour and conduct points (docs/behaviour.md): incidents good and bad, the school's
categories and points, and each student's conduct score."""
