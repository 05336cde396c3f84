"""The official Labelbox Python SDK preparing a manifest's rows for upload,
offline: the real `Dataset.create_data_rows(items)` on a `labelbox.Client`
whose three network methods are replaced by local stand-ins.

What create_data_rows runs, all of it timed and none of it replaced:
  Dataset._separate_and_process_items    dicts pass through (strings would be local files)
  DataRowCreateItem.build                one spec per row, dataset_id set, None values dropped
  data_row_uploader.upload_in_chunks     empty-payload check, then
    DescriptorFileCreator.create
      ._prepare_items_for_upload         per row, in a 20-thread pool: key whitelist, the s3:/
                                         prefix, attachments (type and non-empty value),
                                         embeddings, metadata (DataRowMetadataOntology
                                         .parse_upsert_metadata), local-file check
      ._chunk_down_by_bytes              json.dumps, halving until each chunk is <= 10 MB
      client.upload_data per chunk       STAND-IN: counts the bytes, returns a fake URL
  json.dumps(manifest) + upload_data     STAND-IN as above
  client.execute(upsertDataRows)         STAND-IN: a task record with empty fields
  client.get_user()                      STAND-IN via execute: a user record with empty fields
The metadata ontology the SDK fetches once (client.execute) is answered with the
reserved fields whose ids the SDK's tests list: tag, split (train/valid/test),
captureDateTime, embedding.

The SDK stops the whole call at the first row it rejects, so the rows it
rejects are found first (untimed, by bisection over batches, calling the same
create_data_rows) and the timed calls get the rows it accepts.

python sdk_prepare.py --corpus FILE --planted FILE [--runs N]   prints one JSON object
"""

import argparse
import json
import sys
import time
from importlib.metadata import version

from labelbox import Client
from labelbox.schema.dataset import Dataset
from labelbox.schema.task import DataUpsertTask
from labelbox.schema.user import User

RESERVED_ONTOLOGY = [
    {"id": "cko8s9r5v0001h2dk9elqdidh", "name": "tag", "kind": "CustomMetadataString", "reserved": True, "options": []},
    {
        "id": "cko8sbczn0002h2dkdaxb5kal",
        "name": "split",
        "kind": "CustomMetadataEnum",
        "reserved": True,
        "options": [
            {"id": "cko8sbscr0003h2dk04w86hof", "name": "train", "kind": "CustomMetadataEnumOption", "reserved": True},
            {"id": "cko8sc2yr0004h2dk69aj5x63", "name": "valid", "kind": "CustomMetadataEnumOption", "reserved": True},
            {"id": "cko8scbz70005h2dkastwhgqt", "name": "test", "kind": "CustomMetadataEnumOption", "reserved": True},
        ],
    },
    {"id": "cko8sdzv70006h2dk8jg64zvb", "name": "captureDateTime", "kind": "CustomMetadataDateTime", "reserved": True, "options": []},
    {"id": "ckpyije740000yxdk81pbgjdc", "name": "embedding", "kind": "CustomMetadataEmbedding", "reserved": True, "options": []},
]


def empty_record(entity, **values):
    """A server record for `entity` with every field present and empty."""
    record = {field.graphql_name: None for field in entity.fields()}
    record.update(values)
    return record


class OfflineClient(Client):
    """labelbox.Client with its network calls answered locally."""

    def __init__(self):
        super().__init__(api_key="offline-benchmark")
        self.chunk_bytes = []

    def execute(self, query=None, params=None, **_):
        if "customMetadataOntology" in query:
            return {"customMetadataOntology": RESERVED_ONTOLOGY}
        if "upsertDataRows" in query:
            return {"upsertDataRows": empty_record(DataUpsertTask, id="offline-task")}
        if "GetUserPyApi" in query:
            return {"user": empty_record(User, id="offline-user")}
        raise RuntimeError(f"the offline benchmark client got a request it does not expect: {query.strip()[:120]}")

    def upload_data(self, content, *_, **__):
        self.chunk_bytes.append(len(content))
        return f"offline://chunk/{len(self.chunk_bytes)}"

    def upload_file(self, path):
        raise RuntimeError(f"the offline benchmark client does not upload local files ({path})")


def parse(data):
    """The manifest's rows, as a user would load them: a JSON array or NDJSON."""
    text = data.decode("utf-8")
    if text.lstrip().startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def create(rows):
    """One create_data_rows call on a fresh client and dataset; returns the client."""
    client = OfflineClient()
    dataset = Dataset(client, empty_record(Dataset, id="offline-dataset"))
    dataset.create_data_rows(rows)
    return client


def rejected(rows, first):
    """(row, reason) of each row in rows[...] that create_data_rows refuses."""
    try:
        create([dict(row) for row in rows])
        return []
    except Exception as e:  # the SDK raises ValueError, KeyError, InvalidQueryError, ...
        if len(rows) == 1:
            return [(first, f"{type(e).__name__}: {str(e).splitlines()[0][:160]}")]
        half = len(rows) // 2
        return rejected(rows[:half], first) + rejected(rows[half:], first + half)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", required=True, help="the manifest (JSON array or NDJSON)")
    ap.add_argument("--planted", required=True, help="gen's list of planted bad rows, [[row, CODE], ...]")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    data = open(args.corpus, "rb").read()
    planted = {row: code for row, code in json.load(open(args.planted))}
    rows = parse(data)
    batch = 256
    refused = []
    for start in range(0, len(rows), batch):
        refused += rejected(rows[start : start + batch], start)
    refused_rows = {row for row, _ in refused}
    accepted = [i for i in range(len(rows)) if i not in refused_rows]

    best = None
    for _ in range(args.runs):
        t0 = time.perf_counter()
        fresh = parse(data)
        t1 = time.perf_counter()
        items = [fresh[i] for i in accepted]
        t2 = time.perf_counter()
        client = create(items)
        t3 = time.perf_counter()
        run = {"parse_ms": (t1 - t0) * 1e3, "create_data_rows_ms": (t3 - t2) * 1e3}
        if best is None or sum(run.values()) < sum(best.values()):
            best = run
    # The last upload_data call is create_data_rows' manifest of chunk URLs.
    chunks = client.chunk_bytes[:-1]

    caught = {}
    for row, _ in refused:
        if row in planted:
            caught[planted[row]] = caught.get(planted[row], 0) + 1
    json.dump(
        {
            "sdk": version("labelbox"),
            "python": sys.version.split()[0],
            "rows": len(rows),
            "runs": args.runs,
            "accepted": len(accepted),
            "planted": len(planted),
            "refused_planted": sum(caught.values()),
            "refused_planted_by_code": caught,
            "refused_other": [[row, reason] for row, reason in refused if row not in planted],
            "example_reasons": {planted.get(row, "not planted"): reason for row, reason in refused},
            "chunks": len(chunks),
            "chunk_bytes": sum(chunks),
            "ms": best,
        },
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
