"""Daily attendance (docs/attendance.md): the homeroom teacher's roll call, the school's calendar,
attendance rates and the flags they raise."""
