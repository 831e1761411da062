"""A remote signing service as the keeper of agencies' keys (``MOTCUA_SIGNER=remote``).

Work in progress on a branch: until it lands, choosing the remote signer fails clearly."""

from __future__ import annotations

from pyhanko.sign import signers

from motcua.documents.signing import SigningUnavailable


class RemoteBackend:
    kind = "remote"

    def signer(self, agency_code: str, agency_name: str) -> signers.Signer:
        raise SigningUnavailable("The remote signing service is not available in this version.")

    def forget(self) -> None:
        return None
