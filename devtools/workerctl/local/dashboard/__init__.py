"""The local runtime's live dashboard: a page on 127.0.0.1 (``workerctl run --dashboard-port``, 8086).

``wiring.Dashboard`` is what the runtime creates; ``activity`` and ``mappings`` are what it taps,
``sampler`` the one thread that reads the emulator, ``app`` the routes, ``security`` the checks,
``server`` the HTTP server, ``jobs`` and ``dead_letters`` the actions; ``static/`` is the page.
docs/local-runtime.md ("Dashboard") describes what it shows and its security model.
"""
