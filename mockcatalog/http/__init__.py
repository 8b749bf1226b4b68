"""The HTTP edge: routes, the gateway's checks, the views, the admin API and the dashboard.

The only layer below the assembly that knows Flask. It turns requests into calls on the control
plane and their results (or errors) into JSON responses; docs/architecture.md has the rules.
"""
