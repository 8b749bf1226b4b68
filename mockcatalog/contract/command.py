"""``mockcatalog contract --url URL``: openapi.yaml's contract checks against any running
implementation (this mock, another fake, a real sandbox), with schemathesis.

The checks and their documented relaxations live in ``contract.toml``, which mockcatalog's own
contract tests read too, so the mock is held to exactly what it holds others to. Credentials come
from the environment (``MOCKCATALOG_CONTRACT_TOKEN``, ``_API_KEY``, ``_ORG``, ``_SANDBOX``) so that
secrets for a real sandbox stay out of command lines and CI logs.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mockcatalog.contract.spec import GATEWAY_PREFIXES, METHODS, default_spec_path, load_spec

DEFAULT_CREDENTIALS = {
    "MOCKCATALOG_CONTRACT_TOKEN": "mockcatalog-contract-check",
    "MOCKCATALOG_CONTRACT_API_KEY": "mockcatalog-contract-check",
    "MOCKCATALOG_CONTRACT_ORG": "ACE0A1B2C3D4E5F60718293A@AdobeOrg",
    "MOCKCATALOG_CONTRACT_SANDBOX": "prod",
}


def unreachable(url: str, timeout_seconds: float = 3.0) -> str | None:
    """Why nothing answers at ``url``'s host and port, or None: checked before schemathesis, which
    would take half a minute of retries to say the same."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http:// or https:// URL"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout_seconds).close()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return f"nothing answers at {parts.hostname}:{port} ({reason}); is the implementation running?"
    return None


def wait_until_answering(url: str, seconds: float, *, poll_seconds: float = 0.25) -> tuple[str | None, float]:
    """Poll ``url`` until it answers HTTP (any status: it is up) or ``seconds`` have passed, for a CI
    job that starts the implementation in the background and checks it at once. Returns why it
    never answered (None once it did) and the seconds waited."""
    started = time.monotonic()
    deadline = started + seconds
    while True:
        left = deadline - time.monotonic()
        problem = _no_http_answer(url, timeout_seconds=min(3.0, max(0.2, left)))
        waited = time.monotonic() - started
        if problem is None:
            return None, waited
        if time.monotonic() + poll_seconds > deadline:
            return f"{problem}, after waiting {seconds:g} s; is the implementation running?", waited
        time.sleep(poll_seconds)


def _no_http_answer(url: str, timeout_seconds: float) -> str | None:
    """Why ``GET url`` got no HTTP answer, or None (any status is an answer). Sent directly, never
    through a proxy, as :func:`unreachable` connects."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http:// or https:// URL"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        opener.open(urllib.request.Request(url, method="GET"), timeout=timeout_seconds).close()
    except urllib.error.HTTPError as answered:  # a 404 or a 500 is an answer: something is up
        answered.close()
    except (OSError, ValueError) as exc:  # URLError, a reset, a timeout, a malformed URL
        reason = getattr(exc, "reason", None) or exc
        reason = getattr(reason, "strerror", None) or str(reason)
        return f"nothing answers at {url} ({reason})"
    return None


def contract_config_path() -> Path:
    return Path(str(resources.files("mockcatalog") / "contract.toml"))


def credential_headers(environ: Mapping[str, str] = os.environ) -> list[str]:
    """``-H`` values for schemathesis, from the environment (or harmless defaults for a mock)."""
    value = {name: environ.get(name) or default for name, default in DEFAULT_CREDENTIALS.items()}
    return [
        f"Authorization: Bearer {value['MOCKCATALOG_CONTRACT_TOKEN']}",
        f"x-api-key: {value['MOCKCATALOG_CONTRACT_API_KEY']}",
        f"x-gw-ims-org-id: {value['MOCKCATALOG_CONTRACT_ORG']}",
        f"x-sandbox-name: {value['MOCKCATALOG_CONTRACT_SANDBOX']}",
    ]


#: The large-file upload each scratch batch has started, for the part, status and action calls.
LARGE_FILE_PATH = "scratch-large-file.json"
#: The file the processed scratch batch uploads: its dataset file's one entry, for Data Access reads.
PROCESSED_FILE_NAME = "rows.json"

#: Fields of Adobe's batch model, of every kind (strings, numbers, objects, arrays), for the uniques'
#: ``{field}``: a generated name is almost never one a batch holds, and would only ever answer ``[]``.
BATCH_FIELDS = ("errors", "externalId", "id", "recordCount", "relatedObjects", "status", "tags")


@dataclass(frozen=True)
class ContractData:
    """Scratch objects the run creates for itself before it starts, for generated requests to aim at.

    Without them every read, write and delete by id meets only 404s, and no batch can be created
    (it needs an existing dataset), so the stateful phase's links never reach real data. Only
    objects the run made are named (schemathesis also follows links it infers, such as a read to a
    delete of the same id), so a run against a shared sandbox changes nothing it did not create.
    """

    batch_dataset_id: str | None = None  # holds the batches; never named by a dataset operation
    dataset_ids: Sequence[str] = ()  # read, written and deleted
    batch_ids: Sequence[str] = ()  # loading batches of ``batch_dataset_id``
    #: batches the run ingested and completed (with a refused row), and the dataset files they made
    processed_batch_ids: Sequence[str] = ()
    dataset_file_ids: Sequence[str] = ()
    schema_ids: Sequence[str] = ()  # the tenant's schemas (read only, never written)

    def dictionaries(self) -> dict[str, Sequence[str]]:
        """schemathesis dictionaries, by name (empty ones are left out of the configuration)."""
        return {
            "dataSetIds": self.dataset_ids,
            "batchDataSetId": [self.batch_dataset_id] if self.batch_dataset_id else [],
            "batchIds": self.batch_ids,
            "anyVersion": ["*"],
            "batchFields": BATCH_FIELDS,
            "processedBatchIds": self.processed_batch_ids,
            "dataSetFileIds": self.dataset_file_ids,
            "dataSetFileNames": [PROCESSED_FILE_NAME] if self.dataset_file_ids else [],
            "largeFilePaths": [LARGE_FILE_PATH] if self.batch_ids else [],
            "schemaIds": self.schema_ids,
            "tenantContainer": ["tenant"] if self.schema_ids else [],
        }


#: Which generated parameter may take which dictionary's values (the others stay generated, so
#: invalid and unknown ids are still tried). ``If-Match: *`` matches any version, so writes get past
#: the precondition (an arbitrary generated version is a stale one: 412).
_BINDINGS = (
    (
        ("getDataSets", "getIngestBatchSummary", "updateDataSet", "replaceDataSet", "deleteDataSet"),
        "path.id",
        "dataSetIds",
    ),
    (
        ("getBatches", "updateBatch", "replaceBatch", "deleteBatch", "batchAction", "uploadFile"),
        "path.id",
        "batchIds",
    ),
    (("uploadFile",), "path.datasetId", "batchDataSetId"),
    (("listBatchFiles", "listFailedBatchFiles"), "path.id", "processedBatchIds"),
    (("largeFileAction", "uploadLargeFilePart", "getLargeFileStatus"), "path.id", "batchIds"),
    (("largeFileAction", "uploadLargeFilePart", "getLargeFileStatus"), "path.datasetId", "batchDataSetId"),
    (("largeFileAction", "uploadLargeFilePart", "getLargeFileStatus"), "path.filePath", "largeFilePaths"),
    (("getDataSetFiles",), "path.id", "dataSetFileIds"),
    (("getFile", "getFileMetadata"), "path.dataSetFileId", "dataSetFileIds"),
    (("getFile", "getFileMetadata"), "query.path", "dataSetFileNames"),
    (("getUniqueBatchValues",), "path.field", "batchFields"),
    (("getPreviewByDatasetId",), "path.datasetId", "batchDataSetId"),
    (("lookupSchema", "getSampleData"), "path.schemaId", "schemaIds"),
    (("lookupSchema", "listAllSchemas"), "path.container", "tenantContainer"),
    (("createBatch",), "body.datasetId", "batchDataSetId"),
    (("createBatch",), "body.replay.predecessors[*]", "batchIds"),
    # every write of a batch must name the tenant's own datasets and replayed batches, as its create
    (("createCatalogBatch", "updateBatch", "replaceBatch"), "body.relatedObjects[*].id", "batchDataSetId"),
    (("updateBatch", "replaceBatch"), "body.replay.predecessors[*]", "batchIds"),
    (
        ("updateBatch", "replaceBatch", "deleteBatch", "updateDataSet", "replaceDataSet", "deleteDataSet"),
        "header.If-Match",
        "anyVersion",
    ),
)
#: How often a bound parameter takes a dictionary's value rather than a generated one.
_BOUND_PROBABILITY = 0.7
#: How many scratch objects are made (one more dataset, for the batches).
_SCRATCH_DATASETS = 3
_SCRATCH_BATCHES = 5


def prepare_contract_data(
    url: str, *, gateway_paths: bool, environ: Mapping[str, str] = os.environ
) -> ContractData:
    """Create the scratch objects; whatever cannot be created is left empty (the run then goes on
    with generated values there)."""
    headers = {
        **dict(header.split(": ", 1) for header in credential_headers(environ)),
        "Content-Type": "application/json",
    }
    catalog = url.rstrip("/") + (GATEWAY_PREFIXES["catalog"] if gateway_paths else "")
    ingestion = url.rstrip("/") + (GATEWAY_PREFIXES["import"] if gateway_paths else "")

    def create(
        address: str, body: object, method: str = "POST", content_type: str = "application/json"
    ) -> object:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent = {**headers, "Content-Type": content_type}
        request = urllib.request.Request(address, data, sent, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return json.load(answer)
        except (OSError, ValueError):
            return None

    datasets: list[str] = []
    for number in range(_SCRATCH_DATASETS + 1):
        reference = create(f"{catalog}/dataSets", {"name": f"mockcatalog contract scratch {number}"})
        if isinstance(reference, list) and reference and str(reference[0]).startswith("@/dataSets/"):
            datasets.append(str(reference[0]).removeprefix("@/dataSets/"))
    if not datasets:
        return ContractData()
    batches: list[str] = []
    for _ in range(_SCRATCH_BATCHES):
        batch = create(f"{ingestion}/batches", {"datasetId": datasets[0], "inputFormat": {"format": "json"}})
        if isinstance(batch, dict) and isinstance(batch.get("id"), str):
            batches.append(batch["id"])
            started = f"{ingestion}/batches/{batch['id']}/datasets/{datasets[0]}/files/{LARGE_FILE_PATH}"
            create(f"{started}?action=INITIALIZE", b"")
    processed = _processed_batch(create, ingestion, datasets[0])
    registry = url.rstrip("/") + (GATEWAY_PREFIXES["schemaregistry"] if gateway_paths else "")
    return ContractData(
        schema_ids=_schema_ids(f"{registry}/tenant/schemas", headers),
        batch_dataset_id=datasets[0],
        dataset_ids=datasets[1:],
        batch_ids=batches,
        processed_batch_ids=[processed] if processed else [],
        dataset_file_ids=[f"{processed}-1"] if processed else [],
    )


def _schema_ids(address: str, headers: Mapping[str, str]) -> list[str]:
    """The ``meta:altId`` of the tenant's schemas (the first page), read through the Schema
    Registry's list; none when it has none or does not answer."""
    sent = {**headers, "Accept": "application/vnd.adobe.xed-id+json"}
    try:
        with urllib.request.urlopen(urllib.request.Request(address, None, sent), timeout=10) as answer:
            listed = json.load(answer)
    except (OSError, ValueError):
        return []
    results = listed.get("results") if isinstance(listed, dict) else None
    return [
        str(item["meta:altId"]) for item in results or () if isinstance(item, dict) and "meta:altId" in item
    ]


def _processed_batch(create: Callable[..., object], ingestion: str, dataset_id: str) -> str | None:
    """A batch ingested with one good and one refused row, completed: what Data Access reads (its
    dataset file and its failed rows). The mock names a batch's files ``{batch}-1``, ``-2``..."""
    body = {"datasetId": dataset_id, "inputFormat": {"format": "json"}, "partialIngestionPercentage": 50}
    batch = create(f"{ingestion}/batches", body)
    if not (isinstance(batch, dict) and isinstance(batch.get("id"), str)):
        return None
    batch_id = str(batch["id"])
    upload = f"{ingestion}/batches/{batch_id}/datasets/{dataset_id}/files/{PROCESSED_FILE_NAME}"
    create(upload, b'{"row": 1}\nnot json\n', method="PUT", content_type="application/octet-stream")
    create(f"{ingestion}/batches/{batch_id}?action=COMPLETE", b"")
    return batch_id


def _toml_strings(values: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(value) for value in values) + "]"  # a JSON string is a TOML string


def contract_config(data: ContractData) -> str:
    """contract.toml, plus ``data`` as dictionaries bound to the parameters that name such objects."""
    dictionaries = data.dictionaries()
    text = [contract_config_path().read_text(encoding="utf-8"), "# Prepared by mockcatalog contract\n"]
    for name, values in dictionaries.items():
        if values:
            text.append(f"[dictionaries.{name}]\nvalues = {_toml_strings(values)}\n")
    for operation_ids, parameter, dictionary in _BINDINGS:
        if dictionaries[dictionary]:
            binding = f'{{dictionary = "{dictionary}", probability = {_BOUND_PROBABILITY}}}'
            text.append(
                f"[[operations]]\ninclude-operation-id = {_toml_strings(operation_ids)}\n"
                f'parameters."{parameter}" = {binding}\n'
            )
    return "\n".join(text)


def gateway_document(spec_path: str | None = None) -> dict[str, Any]:
    """openapi.yaml with every operation moved under its real gateway base path, for implementations
    (the real platform) that answer only there: ``GET /batches`` becomes
    ``GET /data/foundation/catalog/batches``, ``POST /batches`` ``POST /data/foundation/import/batches``."""
    spec = load_spec(spec_path)
    document = dict(spec.document)
    paths: dict[str, Any] = {}
    for path, item in spec.document["paths"].items():
        shared = {key: value for key, value in item.items() if key not in METHODS}
        for method, operation in item.items():
            if method not in METHODS:
                continue
            gateway = operation.get("x-mockcatalog-gateway")
            target = GATEWAY_PREFIXES[gateway] + path if gateway else path
            paths.setdefault(target, dict(shared))[method] = operation
    document["paths"] = paths
    return document


def with_bearer_auth(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` declaring its ``Authorization`` header a bearer security scheme too, for
    ``--strict-auth``: schemathesis then checks that an invalid token is refused. openapi.yaml
    declares the header only as a parameter, as Adobe's specs do, since the mock takes any token
    unless strict auth is on."""
    components = {**document.get("components", {})}
    components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    paths: dict[str, Any] = {}
    for path, item in document["paths"].items():
        paths[path] = {
            method: {**operation, "security": [{"bearer": []}]}
            if _declares_authorization(operation)
            else operation
            for method, operation in item.items()
        }
    return {**document, "components": components, "paths": paths}


def _declares_authorization(operation: Any) -> bool:
    return isinstance(operation, dict) and any(
        isinstance(p, dict) and p.get("$ref", "").endswith("/authorization")
        for p in operation.get("parameters", [])
    )


def schemathesis_command(
    url: str,
    *,
    max_examples: int,
    strict_auth: bool,
    gateway_paths: bool,
    workers: int = 1,
    phases: str | None = None,
    environ: Mapping[str, str] = os.environ,
    work_dir: Path,
) -> list[str]:
    """The ``schemathesis run`` command line that checks the implementation at ``url``. Creates the
    run's scratch objects there first (:func:`prepare_contract_data`); the spec and configuration
    the command reads are written into ``work_dir``."""
    spec = default_spec_path()
    if gateway_paths or strict_auth:
        document = gateway_document() if gateway_paths else dict(load_spec().document)
        spec = work_dir / "openapi-checked.yaml"
        spec.write_text(
            yaml.safe_dump(with_bearer_auth(document) if strict_auth else document, sort_keys=False),
            encoding="utf-8",
        )
    config = work_dir / "schemathesis.toml"
    data = prepare_contract_data(url, gateway_paths=gateway_paths, environ=environ)
    config.write_text(contract_config(data), encoding="utf-8")
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run", str(spec)]
    command += ["--url", url, "--max-examples", str(max_examples)]
    command += ["--workers", str(workers), "--generation-deterministic"]  # same command, same requests
    for header in credential_headers(environ):
        command += ["-H", header]
    if phases:
        command += ["--phases", phases]
    if strict_auth:
        command += ["--checks", "all"]
    return command
