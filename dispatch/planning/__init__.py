"""Planning service around the routing core: database state → routing ``Problem`` →
solve in a worker process → validated plan → commit to work orders.

Pure parts: ``catalog`` (service durations, skills, priorities, working day), ``snapshot`` (the
frozen input read from the database), ``build`` (snapshot → ``Problem``), ``report`` (solution →
the plan's JSON), ``worker`` (what runs in the process pool). Orchestration: ``service`` (load →
plan → commit / insert, never commits the transaction) and ``runner`` (the process pool and the
background jobs that survive a request). See ``docs/planning.md``.
"""
