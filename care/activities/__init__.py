"""Steps 3 (promote and prevent): care activities for a classroom, a group or one student."""
