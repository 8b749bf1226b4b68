def test_secrets_in_bodies_queries_and_answers_are_masked() -> None:
    """The fake IMS takes a client secret (in a form or the query) and answers a token: neither is
    shown by the journal, the dashboard or a report (with interception, a real client's secret
    arrives there)."""
    from mockcatalog.app import create_app
    from mockcatalog.http.extension import control_of

    app = create_app({"seed": 1})
    client = app.test_client()
    form = {
        "grant_type": "client_credentials",
        "client_id": "a",
        "client_secret": "S3CRET",
        "scope": "openid",
    }
    assert client.post("/ims/token/v3", data=form).status_code == 200
    assert (
        client.post(
            "/ims/token/v2?grant_type=client_credentials&client_id=a&client_secret=S3CRET"
        ).status_code
        == 200
    )
    shown = repr([(entry.body, entry.query, entry.answer) for entry in control_of(app).journal.entries()])
    assert "S3CRET" not in shown and "client_secret=***" in shown and "'client_secret': ['***']" in shown
    assert "'access_token': '***'" in shown and "eyJ" not in shown
