#!/usr/bin/python3
"""Confluent's own Python Avro serializer and deserializer (Debian python3-confluent-kafka 1.7.0 with python3-avro:
confluent_kafka.avro's MessageSerializer over its CachedSchemaRegistryClient) against a running lr0: produces the
images of INPUT (lr0's ImageRecord schema and raw pixels) to `images`, then reads back, decoded, the app's
`predictions` for each of them and every record of `robustness-metrics`, `robustness-summary`, `robustness-agreement`
and `robustness-agreement-summary`. Prints what it
checks; exits 1 at the first failure.

    /usr/bin/python3 avro_clients_check.py BOOTSTRAP REGISTRY_URL INPUT.json
"""
import base64
import json
import sys
import time
from datetime import datetime, timezone

from avro import schema as avro_schema
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

# The source the images are produced under, so the label-free metrics are found per source.
SOURCE = "confluent-python-client"


def check(what, condition):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        sys.exit(1)


def read_all(bootstrap, topic, serializer, until, timeout_s):
    """Decodes every committed record of `topic` from the beginning until `until(records)` or the timeout."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "py-check-%s-%f" % (topic, time.time()),
                         "isolation.level": "read_committed", "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    metadata = consumer.list_topics(topic, timeout=30)
    consumer.assign([TopicPartition(topic, p, 0) for p in metadata.topics[topic].partitions])
    records, deadline = {}, time.time() + timeout_s
    while time.time() < deadline and not until(records):
        message = consumer.poll(1.0)
        if message is None or message.error():
            continue
        key = message.key().decode("utf-8") if message.key() is not None else None
        records[key] = None if message.value() is None else serializer.decode_message(message.value())
    consumer.close()
    return records


def main(bootstrap, registry_url, input_file):
    with open(input_file) as f:
        given = json.load(f)
    serializer = MessageSerializer(CachedSchemaRegistryClient({"url": registry_url}))
    schema = avro_schema.parse(given["schema"])
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
    ids = []
    for image in given["images"]:
        record = {"id": image["id"], "source": SOURCE, "dataset": image["dataset"],
                  "captureTimestamp": datetime.now(timezone.utc),
                  "image": {"encoding": "GRAY8", "width": image["width"], "height": image["height"],
                            "data": base64.b64decode(image["pixels"])},
                  "label": image["label"], "group": None, "attributes": {"client": "confluent_kafka.avro"}}
        value = serializer.encode_record_with_schema("images", schema, record)
        check("%s serialized in the wire format (magic byte 0)" % image["id"], value[0] == 0)
        producer.produce("images", key=image["id"].encode("utf-8"), value=value)
        ids.append(image["id"])
    check("produced %d images" % len(ids), producer.flush(30) == 0)

    wanted = {"%s@native/bicubic" % i for i in ids}
    predictions = read_all(bootstrap, "predictions", serializer, lambda read: wanted <= set(read), 180)
    check("a prediction for each image at native resolution", wanted <= set(predictions))
    first = predictions["%s@native/bicubic" % ids[0]]
    check("a prediction decodes with its fields", first["imageId"] == ids[0] and first["predicted"]
          and len(first["topK"]) > 0 and first["dataset"] == given["images"][0]["dataset"])
    right = sum(1 for i, image in zip(ids, given["images"])
                if predictions["%s@native/bicubic" % i]["predicted"] == image["label"])
    print("     top-1 right on %d of %d at native resolution" % (right, len(ids)))

    metrics = read_all(bootstrap, "robustness-metrics", serializer, lambda read: len(read) > 0, 60)
    check("robustness-metrics decode (%d keys)" % len(metrics),
          len(metrics) > 0 and all(m is None or "accuracyTop1" in m for m in metrics.values()))
    summaries = read_all(bootstrap, "robustness-summary", serializer, lambda read: len(read) > 0, 60)
    check("robustness-summary decode (%d keys)" % len(summaries),
          len(summaries) > 0 and all(s is None or "sar" in s for s in summaries.values()))
    # Without labels, per source: these images' source is this client's name.
    agreement = read_all(bootstrap, "robustness-agreement", serializer,
                         lambda read: any(a and a["source"] == SOURCE for a in read.values()), 60)
    check("robustness-agreement decodes, with this client's source",
          any(a and a["source"] == SOURCE and 0 <= a["agreementTop1"] <= 1 for a in agreement.values()))
    across = read_all(bootstrap, "robustness-agreement-summary", serializer,
                      lambda read: any(a and a["source"] == SOURCE for a in read.values()), 60)
    check("robustness-agreement-summary decodes, with the resolutions averaged",
          any(a and a["source"] == SOURCE and len(a["resolutions"]) > 0 for a in across.values()))
    print("all checks passed")


if __name__ == "__main__":
    main(*sys.argv[1:4])
