"""Privacy and data protection (DESIGN section 9, issue 13).

- :mod:`.registry`: per table, how its rows relate to a person; export and
  erasure are driven by it, so a new table only needs its one-line entry.
- :mod:`.subjects`: which people each queued statement names.
- :mod:`.lookup`: finding a person by LMS id, email or internal id.
- :mod:`.export`, :mod:`.erasure`, :mod:`.retention`: the three duties.
- :mod:`.access_log`: who looked at whose record.
- :mod:`.suppression`: identifiers whose formal records are never pulled again.
- :mod:`.disclosure`, :mod:`.settings`: what statements disclose per platform,
  and the organisation's retention periods.
"""
