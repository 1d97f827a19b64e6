"""Parents and students as users (docs/portal.md): their own pages on a phone, messages with the
homeroom teacher, consent requests, appointments and the confidential request for help."""
