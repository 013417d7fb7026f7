"""``make torture``: the fault harness. Not part of ``make test``: it takes minutes.

It runs the real ``facilitate serve`` in child processes on 127.0.0.1 and hurts it:
``kill -9`` under load (every acknowledged answer and every confirmed facilitator action
must be there on resume), a full disk on a small filesystem (nothing acknowledged that
is not saved, faults visible, recovery), malformed requests and random forms (never a
5xx), and a room flooded with idle and half-sent connections at a low open-file limit
(real phones still join and answer). ``python -m torture --help`` lists the parts.
"""
