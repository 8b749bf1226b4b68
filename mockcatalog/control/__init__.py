"""The control plane: what a test or the admin API steers (:class:`~.plane.MockControl`), and the
state it owns besides the domain: the request journal, faults, the fake IMS's tokens, state files.

No Flask here: the HTTP edge and the assembly reach a control plane through
:func:`mockcatalog.http.extension.control_of`.
"""
