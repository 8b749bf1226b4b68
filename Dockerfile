# mockcatalog as a container: `docker build -t mockcatalog . && docker run -p 8080:8080 mockcatalog`.
# A slim Python, the package installed from this checkout, a user without privileges, and a health
# check on the admin API's health endpoint.
FROM python:3.11-slim

WORKDIR /src
COPY setup.cfg pyproject.toml README.md openapi.yaml schemathesis.toml LICENSE ./
COPY fixtures ./fixtures
COPY mockcatalog ./mockcatalog
RUN pip install --no-cache-dir . && useradd --create-home --uid 10001 mockcatalog

USER mockcatalog
WORKDIR /home/mockcatalog
EXPOSE 8080
# Inside a container the server must listen on every interface to be reachable from the host.
ENV MOCKCATALOG_HOST=0.0.0.0 MOCKCATALOG_PORT=8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/__admin/health', timeout=2)"
CMD ["mockcatalog", "serve"]
