"""The cumulative record (ระเบียนสะสม) of one student: its sections and what each holds
(``sections``), the reads (``selectors``), the writes (``services``), the forms and the pages.
See docs/record.md."""
