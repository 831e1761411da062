def test_home_page_renders(client):
    response = client.get("/")
    assert b"motcua" in response.content
