"""The official Labelbox SDK creating data rows, pointed at a test's stub.

What a user of the SDK writes: a Client, get_dataset, create_data_rows, then
wait_till_done (which also reads the task's per-row errors). One
create_data_rows call per chunk, so each chunk is one task, as with rowcheck.

python sdk_create.py ENDPOINT DATASET_ID CHUNKS_FILE   (API key in LABELBOX_API_KEY)
CHUNKS_FILE holds a JSON array of chunks, each a JSON array of rows.
Prints one JSON line: the status of each task.
"""

import json
import sys

from labelbox import Client


def main():
    endpoint, dataset_id, chunks_file = sys.argv[1:]
    client = Client(endpoint=endpoint)
    dataset = client.get_dataset(dataset_id)
    statuses = []
    for rows in json.load(open(chunks_file)):
        task = dataset.create_data_rows(rows)
        task.wait_till_done(timeout_seconds=30)
        statuses.append(task.status)
    json.dump({"statuses": statuses}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
