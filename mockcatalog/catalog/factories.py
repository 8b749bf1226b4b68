"""Realistic dataset and batch objects: one at a time (the plugin's ``add_dataset``/``add_batch``) or
in bulk from a seed (``mockcatalog fixtures generate``).

Generation is deterministic: the same seed, counts and orgs give byte-identical files with the same
Faker version. Timestamps count back from a fixed instant (:data:`GENERATED_NOW_MS`), not from the
wall clock; serve generated files with ``--rebase-time`` to make them recent.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from faker import Faker

from mockcatalog.catalog.fixture_files import FIXTURE_FILES, Fixtures
from mockcatalog.catalog.ids import IdFactory
from mockcatalog.catalog.model import (
    BATCHES,
    DATASETS,
    PROCESSED,
    UNREADABLE_ROWS_CODE,
    UNREADABLE_ROWS_DESCRIPTION,
    failed_batch_location,
    in_fixture_form,
    new_batch,
    new_dataset,
)
from mockcatalog.catalog.tenancy import DEFAULT_SANDBOX
from mockcatalog.core.json import Json
from mockcatalog.core.settings import PluginOptions

GENERATED_NOW_MS = 1_798_761_600_000  # 2027-01-01T00:00:00Z
DAY_MS = 86_400_000
DEFAULT_ORG = PluginOptions.org  # the org the packaged fixtures and the plugin use
#: How often each status appears in generated batches (the rest are success).
STATUS_WEIGHTS: Mapping[str, int] = {
    "success": 70, "failed": 10, "loading": 6, "processing": 4, "staging": 3, "aborted": 3, "inactive": 4,
}  # fmt: skip


def dataset_object(
    *, org: str, sandbox: str, name: str, now_ms: int, object_id: str, client: str, user: str, **fields: Any
) -> Json:
    """A realistic dataset in fixture form: what :func:`~mockcatalog.catalog.model.new_dataset` makes, plus
    the schema and file description a real one has; ``fields`` override."""
    realistic = {
        "name": name,
        "description": "",
        "state": "DRAFT",
        "schemaRef": {
            "id": f"https://ns.adobe.com/{org.split('@')[0].lower()}/schemas/{object_id}",
            "contentType": "application/vnd.adobe.xed-full+json;version=1",
        },
        "fileDescription": {"persisted": True, "format": "parquet"},
    }
    made = new_dataset(
        org=org, sandbox=sandbox, object_id=object_id, now_ms=now_ms, client=client, user=user,
        **{**realistic, **fields},
    )  # fmt: skip
    return in_fixture_form(made, (org, sandbox))


def generate_fixtures(
    seed: int,
    *,
    datasets: int,
    batches: int,
    orgs: Sequence[str] = (DEFAULT_ORG,),
    sandbox: str = DEFAULT_SANDBOX,
    now_ms: int = GENERATED_NOW_MS,
    progress: Callable[[int], None] | None = None,
) -> Fixtures:
    """``datasets`` datasets spread over ``orgs``, and ``batches`` batches spread over the datasets."""
    if datasets < 1 and batches:
        raise ValueError("batches need at least one dataset")
    fake = Faker()
    fake.seed_instance(seed)
    rng = random.Random(seed)
    ids = IdFactory(seed)
    people = {org: [_platform_user(rng) for _ in range(5)] for org in orgs}
    clients = {org: f"{fake.slug()}-client" for org in orgs}
    dataset_objects: dict[str, Json] = {}
    for index in range(datasets):
        org = orgs[index % len(orgs)]
        created = now_ms - rng.randrange(30 * DAY_MS, 90 * DAY_MS)
        object_id = ids.object_id(created)
        dataset_objects[object_id] = dataset_object(
            org=org,
            sandbox=sandbox,
            name=fake.catch_phrase(),
            now_ms=created,
            object_id=object_id,
            client=clients[org],
            user=rng.choice(people[org]),
            description=fake.sentence(nb_words=10),
            state=rng.choice(["DRAFT", "ACTIVE", "ACTIVE"]),
            classification={"dataBehavior": rng.choice(["time-series", "record"])},
        )
    dataset_ids = list(dataset_objects)
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    batch_objects: dict[str, Json] = {}
    for index in range(batches):
        dataset_id = rng.choice(dataset_ids)
        org = dataset_objects[dataset_id]["imsOrg"]
        status = rng.choices(statuses, weights)[0]
        created = now_ms - rng.randrange(0, 30 * DAY_MS)
        object_id = ids.batch_id(created)
        batch_objects[object_id] = in_fixture_form(
            new_batch(
                org=org,
                sandbox=sandbox,
                related=[{"type": "dataSet", "id": dataset_id}],
                status=status,
                now_ms=created,
                object_id=object_id,
                client=clients[org],
                user=rng.choice(people[org]),
                **_outcome(status, created, rng, object_id),
            ),
            (org, sandbox),
        )
        if progress is not None and (index + 1) % 1000 == 0:
            progress(1000)
    if progress is not None and batches % 1000:
        progress(batches % 1000)
    return Fixtures(collections={DATASETS: dataset_objects, BATCHES: batch_objects})


def _platform_user(rng: random.Random) -> str:
    """A user id as Platform writes them: 24 hex digits, then ``@AdobeID`` (a person) or
    ``@techacct.adobe.com`` (a technical account, what an integration's token carries)."""
    domain = rng.choice(("AdobeID", "techacct.adobe.com"))
    return f"{rng.getrandbits(96):024X}@{domain}"


def _outcome(status: str, created: int, rng: random.Random, batch_id: str) -> Json:
    """Counts, times and errors of a batch that reached ``status`` (and where a failed one's
    failed rows are read)."""
    if status not in PROCESSED:
        return {"started": created + 60_000} if status in ("processing", "staging") else {}
    records = rng.randrange(100, 100_000)
    size = records * rng.randrange(150, 900)
    completed = created + rng.randrange(60_000, 900_000)
    outcome: Json = {"started": created + 60_000, "completed": completed, "updated": completed, "size": size}
    if status == "failed":
        outcome.update(
            recordCount=0,
            failedRecordCount=records,
            failedBatchLocation=failed_batch_location(batch_id),
            errors=[
                {"code": UNREADABLE_ROWS_CODE, "description": UNREADABLE_ROWS_DESCRIPTION, "rows": ["1"]}
            ],
        )
    else:
        outcome.update(
            recordCount=records,
            failedRecordCount=0,
            metrics={"inputByteSize": size, "inputRecordSize": records, "outputRecordSize": records,
                     "partitionCount": rng.randrange(1, 9), "inputFileCount": 1, "inputRecordCount": records,
                     "outputRecordCount": records, "failedRecordCount": 0},
            availableDates={"startDate": created // 1000 - 86_400, "endDate": created // 1000},
        )  # fmt: skip
    return outcome


def write_fixtures(fixtures: Fixtures, directory: Path) -> list[Path]:
    """Write one file per collection, one object per line: compact, diffable, byte-stable."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for collection, filename in FIXTURE_FILES.items():
        objects = fixtures.collections.get(collection, {})
        lines = [
            f"{json.dumps(oid)}: {json.dumps(obj, separators=(',', ':'))}" for oid, obj in objects.items()
        ]
        path = directory / filename
        path.write_text("{\n" + ",\n".join(lines) + ("\n" if lines else "") + "}\n", encoding="utf-8")
        written.append(path)
    return written
