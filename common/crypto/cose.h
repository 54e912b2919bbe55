#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCborMap>

namespace tap::crypto::webauthn {

// The COSE algorithm identifiers TAP accepts for passkeys (IANA "COSE Algorithms" registry).
enum class Algorithm { ES256 = -7, EdDSA = -8, RS256 = -257 };

bool isSupportedAlgorithm(int coseAlgorithm);

// A credential public key taken out of a COSE_Key.
struct CoseKey
{
    int algorithm = 0; // one of Algorithm
    QByteArray spki; // DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7)
};

// Converts a decoded COSE_Key (RFC 9052 §7, RFC 9053 §7, RFC 8230 §4) to DER SubjectPublicKeyInfo.
// Accepted, and nothing else:
//   EC2 (kty 2) P-256 (crv 1) with alg ES256, x and y 32 bytes each, the point on the curve;
//   OKP (kty 1) Ed25519 (crv 6) with alg EdDSA, x 32 bytes;
//   RSA (kty 3) with alg RS256, 2048 ≤ |n| ≤ 8192 bits, passing the SP 800-56B §6.4.2.1 public
//   key checks (odd n; odd e with 2^16 < e < 2^256, so e = 3 keys are refused).
// alg is required (WebAuthn §6.5.1); duplicate labels are rejected. Errors are InvalidRequest.
core::Result<CoseKey> coseKeyToSpki(const QCborMap &coseKey);

// Checks a WebAuthn signature (§6.5.5) made with the key in `spki` under `coseAlgorithm`:
// ES256 is a DER ECDSA signature over SHA-256(message), EdDSA a raw 64-byte Ed25519 signature
// over the message, RS256 RSASSA-PKCS1-v1_5 with SHA-256. The key must be of the algorithm's
// type (a P-256 key for ES256, an Ed25519 key for EdDSA, RSA of at least 2048 bits for RS256),
// so a stored key cannot be used under another algorithm. A bad signature is Forbidden ("The
// passkey signature does not verify."); an unreadable or mismatched key is InvalidRequest.
core::Result<void> verifySignature(int coseAlgorithm, QByteArrayView spki, QByteArrayView message,
                                   QByteArrayView signature);

} // namespace tap::crypto::webauthn
