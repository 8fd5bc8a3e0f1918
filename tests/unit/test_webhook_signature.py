"""Webhook signatures against the Standard Webhooks specification's published test vector:
a receiver using any of that specification's libraries verifies what gridcenter sends."""

from gridcenter.integrations.webhooks import sign

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MESSAGE_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'


def test_the_signature_matches_the_specifications_test_vector() -> None:
    assert sign(SECRET, MESSAGE_ID, TIMESTAMP, BODY) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_a_changed_body_id_or_time_changes_the_signature() -> None:
    reference = sign(SECRET, MESSAGE_ID, TIMESTAMP, BODY)
    assert sign(SECRET, MESSAGE_ID, TIMESTAMP, b'{"test": 2432232315}') != reference
    assert sign(SECRET, "msg_other", TIMESTAMP, BODY) != reference
    assert sign(SECRET, MESSAGE_ID, TIMESTAMP + 1, BODY) != reference
