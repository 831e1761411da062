"""Checking a signature that a key holder outside this process made, before it goes into a result.

A PKCS#11 token or a remote signing service signs with a key we never see. If the certificate
it names is not the one of that key (a certificate renewed in the token but not the key, a
service that rotated a key behind a cached certificate), every result signed from then on would
fail validation in the holder's hands. Verifying each raw signature against the certificate's
public key costs ~0.1 ms (RSA-2048) and turns that into a refusal at signing time.
"""

from __future__ import annotations

from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator, SignatureValidationContext

_VALIDATOR = DefaultSignatureValidator()


def matches_certificate(
    signature: bytes,
    signed_data: bytes,
    certificate: asn1_x509.Certificate,
    mechanism: algos.SignedDigestAlgorithm,
    digest_algorithm: str,
) -> bool:
    """Whether ``signature`` over ``signed_data`` verifies with the certificate's public key."""
    try:
        _VALIDATOR.validate_signature(
            signature,
            signed_data,
            certificate.public_key,
            mechanism,
            SignatureValidationContext(contextual_md_algorithm=digest_algorithm),
        )
    except (InvalidSignature, ValueError, TypeError, AssertionError):
        return False
    return True
