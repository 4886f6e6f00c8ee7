"""The vendored EPCIS conformance documents and what each should get from our capture.

Shared by the capture service's tests (tests/test_epcis_capture.py) and the API's
(tests/api/test_epcis.py), which send the same documents over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lookup_site.errors import DuplicateLotCode
from lookup_site.services import lots as lot_service
from lookup_site.services.epcis_capture import Unfit, read_lot_identifier

VECTORS = Path(__file__).resolve().parent / "conformance" / "epcis"
VALID = sorted((VECTORS / "capture-valid").glob("*.json"))
INVALID = sorted((VECTORS / "capture-invalid").glob("*.json"))


def identifiers_in(doc: dict) -> Iterator[str]:
    for event in doc["epcisBody"]["eventList"]:
        for name in ("epcList", "inputEPCList", "outputEPCList", "childEPCs"):
            yield from event.get(name) or []
        for name in ("quantityList", "inputQuantityList", "outputQuantityList"):
            for element in event.get(name) or []:
                yield element["epcClass"]


def register_lots_named_in(doc: dict, producer, make_product, db) -> int:
    """Give producer a product and lot for every lot-level identifier the document uses."""
    made = 0
    products = {}
    for uri in identifiers_in(doc):
        try:
            ref = read_lot_identifier(uri, 1)
        except Unfit:
            continue
        if ref.gtin is None:
            continue
        if ref.gtin not in products:
            products[ref.gtin] = make_product(producer=producer, gtin=ref.gtin)
        try:
            lot_service.create_lot(products[ref.gtin], ref.code)
            made += 1
        except DuplicateLotCode:  # the same lot named twice
            pass
    db.session.commit()
    return made


# Every bad event of each invalid document, by its index ("" is the document itself).
INVALID_EVENTS = {
    "Combination_of_events_with_missing_mandatory_fields": [0, 1],
    "Combination_of_multiple_invalid_fields": [0, 1, 2, 3, 4],
    "Combination_of_non_standard_bizStep_and_disposition": [0, 1],
    "EPCISDocument_without_context": [""],
    "ObjectEvent_with_ilmd_field_without_namespace": [0],
    "ObjectEvent_with_invalid_action": [0],
    "ObjectEvent_with_invalid_certificationInfo": [0],
    "ObjectEvent_with_invalid_eventTime_format": [0],
    "ObjectEvent_with_non_standard_bizStep": [0],
    "ObjectEvent_with_non_standard_bizStep_in_second_event": [1],
    "ObjectEvent_with_non_standard_disposition": [0],
    "ObjectEvent_with_quantity_as_text": [0],
    "ObjectEvent_with_unknown_field_in_quantityList": [0],
    "ObjectEvent_without_action_and_eventTime": [0],
    "ObjectEvent_without_identifier_list": [0],
}

# What each valid document gets: accepted, refused by GS1's schema (see the vendored
# README for why these three), or the reasons it does not fit a lot diary, by event.
ACCEPTED = "accepted"
VALID_OUTCOMES: dict[str, object] = {
    "AggregationEvent": {0: "event_type"},
    "AggregationEvent_all_possible_fields": {0: "event_type"},
    "AggregationEvent_with_digitalLink": {0: "event_type"},
    # GS1's schema omits persistentDisposition from an AggregationEvent's names.
    "AggregationEvent_with_persistentDisposition": {1: "schema"},
    "AggregationEvent_with_sensorData": {0: "event_type"},
    "AggregationEvent_with_userExtensions": {0: "event_type"},
    "AssociationEvent": {0: "event_type", 1: "event_type"},
    "AssociationEvent_2": {0: "event_type"},
    "AssociationEvent_all_possible_fields": {0: "event_type"},
    "AssociationEvent_with_sensorData": {0: "event_type"},
    "AssociationEvent_with_userExtensions": {0: "event_type"},
    "Combination_of_different_event": {
        0: "unreadable_identifier",  # a GRAI (8003) with a wrong check digit
        1: "event_type",
        2: "event_type",
        3: "item_level",
        4: "event_type",
        5: "event_type",
    },
    "CurieString_document": {0: "item_level"},
    "JumbledFieldsOrder": {0: "event_type"},
    "Namespaces_at_different_level": {i: "item_level" for i in range(5)},
    "ObjectEvent": {0: "item_level", 1: "item_level"},
    "ObjectEvent_all_possible_fields": {0: "item_level"},
    "ObjectEvent_with_comment": {0: "item_level", 1: "item_level"},
    "ObjectEvent_with_custom_bizStep_uri": {0: "item_level"},
    "ObjectEvent_with_digitalLink": ACCEPTED,
    "ObjectEvent_with_error_declaration": {0: "item_level", 1: "item_level"},
    "ObjectEvent_with_persistentDisposition": {0: "item_level", 1: "item_level"},
    "ObjectEvent_with_sensorData": {0: "item_level"},
    "ObjectEvent_with_userExtensions": {0: "item_level"},
    "SensorData_and_extension": {0: "item_level"},
    # Known not to validate against GS1's schema (see the shared conformance README).
    "SensorData_with_combined_events": {7: "schema", 8: "schema", 10: "schema"},
    "TransactionEvent": {0: "event_type", 1: "event_type"},
    "TransactionEvent_all_possible_fields": {0: "event_type"},
    "TransactionEvent_with_sensorData": {0: "event_type"},
    # The measurement type EffectiveDoseRate is not in GS1's schema.
    "TransactionEvent_with_userExtensions": {0: "schema"},
    "TransformationEvent": {0: "item_level"},
    "TransformationEvent_all_possible_fields": {0: "transformation_error_declaration"},
    "TransformationEvent_with_digitalLink": {0: "item_level"},
    "TransformationEvent_with_error_declaration": {
        0: "transformation_error_declaration",
        1: "item_level",
    },
    "TransformationEvent_with_sensorData": {0: "transformation_error_declaration"},
    "TransformationEvent_with_userExtensions": {0: "transformation_error_declaration"},
    "epcisDocWithAllGS1Keys": {0: "item_level"},
    "epcisDocWithSensorComponent": {0: "not_a_lot"},
}
