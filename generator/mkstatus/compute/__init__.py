"""Statuses and uptime, computed once as pure functions of the inputs and `now`: the `Site`."""
