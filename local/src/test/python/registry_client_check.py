#!/usr/bin/python3
"""Every method of Confluent's own Python registry clients (Debian python3-confluent-kafka: SchemaRegistryClient and
the legacy CachedSchemaRegistryClient the confluent_kafka.avro serializer uses) against a registry URL, checking
results and Confluent's error codes. Prints one line per check; exits 1 at the first failure.

    /usr/bin/python3 local/src/test/python/registry_client_check.py http://127.0.0.1:8081
"""
import json
import sys
import uuid

from avro import schema as avro_schema
from confluent_kafka.avro import CachedSchemaRegistryClient
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

V1 = json.dumps({"type": "record", "name": "Check", "namespace": "lr0.check",
                 "fields": [{"name": "a", "type": "string"}]})
V2 = json.dumps({"type": "record", "name": "Check", "namespace": "lr0.check",
                 "fields": [{"name": "a", "type": "string"}, {"name": "b", "type": "int", "default": 0}]})
# Subjects of this run: a registry keeps deleted subjects' version numbers, so each run starts its own.
RUN = uuid.uuid4().hex[:8]
INCOMPATIBLE = json.dumps({"type": "record", "name": "Check", "namespace": "lr0.check",
                           "fields": [{"name": "a", "type": "int"}]})


def check(what, condition):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        sys.exit(1)


def error_code(call):
    try:
        call()
    except SchemaRegistryError as e:
        return e.http_status_code, e.error_code
    return None


def same_schema(a, b):
    return json.loads(a) == json.loads(b)


def current_client(url):
    client = SchemaRegistryClient({"url": url})
    subject = "py-check-%s-value" % RUN
    v1, v2 = Schema(V1, "AVRO"), Schema(V2, "AVRO")

    id1 = client.register_schema(subject, v1)
    check("register_schema returns an id", isinstance(id1, int) and id1 > 0)
    check("register_schema again returns the same id", client.register_schema(subject, v1) == id1)
    check("get_schema(id)", same_schema(client.get_schema(id1).schema_str, V1))
    found = client.lookup_schema(subject, v1)
    check("lookup_schema", found.schema_id == id1 and found.version == 1 and found.subject == subject)
    check("get_subjects", subject in client.get_subjects())
    check("get_versions", client.get_versions(subject) == [1])
    check("get_latest_version", client.get_latest_version(subject).version == 1)
    check("get_version", client.get_version(subject, 1).schema_id == id1)
    check("test_compatibility (compatible)", client.test_compatibility(subject, v2) is True)
    check("test_compatibility (incompatible)", client.test_compatibility(subject, Schema(INCOMPATIBLE, "AVRO")) is False)
    check("test_compatibility against version 1", client.test_compatibility(subject, v2, version=1) is True)

    check("set_compatibility per subject", client.set_compatibility(subject_name=subject, level="FULL")
          == {"compatibility": "FULL"})
    check("get_compatibility per subject", client.get_compatibility(subject) == "FULL")
    check("set_compatibility globally", client.set_compatibility(level="BACKWARD") == {"compatibility": "BACKWARD"})
    check("get_compatibility globally", client.get_compatibility() == "BACKWARD")
    check("an invalid level: 422 42203", error_code(lambda: client.set_compatibility(level="SIDEWAYS")) == (422, 42203))

    id2 = client.register_schema(subject, v2)
    check("register a compatible second version", client.get_versions(subject) == [1, 2] and id2 != id1)
    check("an incompatible schema: 409",
          error_code(lambda: client.register_schema(subject, Schema(INCOMPATIBLE, "AVRO")))[0] == 409)
    check("an unknown subject: 404 40401", error_code(lambda: client.get_versions("no-such-subject")) == (404, 40401))
    check("an unknown version: 404 40402", error_code(lambda: client.get_version(subject, 99)) == (404, 40402))
    check("an unknown id: 404 40403", error_code(lambda: client.get_schema(987654)) == (404, 40403))

    check("delete_version (soft)", client.delete_version(subject, 2) == 2)
    check("a soft-deleted version is hidden", client.get_versions(subject) == [1])
    check("a soft-deleted version's schema still resolves by id", same_schema(client.get_schema(id2).schema_str, V2))
    check("deleting it again: 404 40406", error_code(lambda: client.delete_version(subject, 2)) == (404, 40406))
    check("delete_subject (soft)", client.delete_subject(subject) == [1])
    check("a soft-deleted subject is not listed", subject not in client.get_subjects())
    check("deleting it again: 404 40404", error_code(lambda: client.delete_subject(subject)) == (404, 40404))

    other = "py-check-permanent-%s-value" % RUN
    client.register_schema(other, v1)
    check("delete_subject(permanent=True)", client.delete_subject(other, permanent=True) == [1])
    check("a permanently deleted subject is gone",
          error_code(lambda: client.get_versions(other)) == (404, 40401))


def legacy_client(url):
    client = CachedSchemaRegistryClient({"url": url})
    subject = "py-legacy-%s-value" % RUN
    v1, v2 = avro_schema.parse(V1), avro_schema.parse(V2)
    schema_id = client.register(subject, v1)
    check("legacy register", isinstance(schema_id, int))
    check("legacy get_by_id", client.get_by_id(schema_id) == v1)
    check("legacy check_registration", client.check_registration(subject, v1) == schema_id)
    latest = client.get_latest_schema(subject)
    check("legacy get_latest_schema", latest[0] == schema_id and latest[2] == 1)
    check("legacy get_by_version", client.get_by_version(subject, 1) == (schema_id, v1, 1))
    check("legacy get_version", client.get_version(subject, v1) == 1)
    check("legacy test_compatibility", client.test_compatibility(subject, v2) is True)
    check("legacy update_compatibility", client.update_compatibility("FORWARD", subject) == "FORWARD")
    check("legacy get_compatibility", client.get_compatibility(subject) == "FORWARD")
    check("legacy delete_subject", client.delete_subject(subject) == [1])
    check("legacy: the deleted subject has no latest schema", client.get_latest_schema(subject) == (None, None, None))


if __name__ == "__main__":
    current_client(sys.argv[1])
    legacy_client(sys.argv[1])
    print("all checks passed")
