"""Support a student received (scholarships, funds, goods), recorded by the school."""
