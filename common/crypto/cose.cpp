#include "crypto/cose.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstring>
#include <limits>
#include <memory>
#include <optional>

namespace tap::crypto::webauthn {

using core::Error;
using core::ErrorCode;
using core::Result;

namespace {

template <auto Free>
struct Deleter
{
    template <typename T>
    void operator()(T *p) const
    {
        Free(p);
    }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<&EVP_PKEY_free>>;
using PKeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<&EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<&EVP_MD_CTX_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Deleter<&OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<&OSSL_PARAM_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<&BN_free>>;

// Whatever OpenSSL queues while we look at hostile input is dropped on the way out, so that it
// does not surface later in an unrelated ERR_get_error().
class ErrorMark
{
public:
    ErrorMark() { ERR_set_mark(); }
    ~ErrorMark() { ERR_pop_to_mark(); }
    ErrorMark(const ErrorMark &) = delete;
    ErrorMark &operator=(const ErrorMark &) = delete;
};

// COSE labels and values: RFC 9052 §7.1 (common), RFC 9053 §7.1 (EC2), §7.2 (OKP), RFC 8230 §4
// (RSA), and the IANA "COSE Elliptic Curves" registry.
constexpr qint64 kLabelKty = 1;
constexpr qint64 kLabelAlg = 3;
constexpr qint64 kLabelCrv = -1; // EC2 and OKP
constexpr qint64 kLabelX = -2; // EC2 and OKP
constexpr qint64 kLabelY = -3; // EC2
constexpr qint64 kLabelN = -1; // RSA
constexpr qint64 kLabelE = -2; // RSA
constexpr qint64 kKtyOkp = 1;
constexpr qint64 kKtyEc2 = 2;
constexpr qint64 kKtyRsa = 3;
constexpr qint64 kCrvP256 = 1;
constexpr qint64 kCrvEd25519 = 6;

constexpr int kMaxCoseEntries = 16; // a public key has five at most; the rest is noise
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192; // bounds the cost of a verification
constexpr qsizetype kMaxSpkiSize = 4096;
constexpr qsizetype kMaxSignatureSize = kMaxRsaBits / 8;

Error invalidKey(const QString &why)
{
    return Error(ErrorCode::InvalidRequest, QStringLiteral("The passkey public key ") + why);
}

const unsigned char *u8(QByteArrayView v)
{
    static const unsigned char empty = 0;
    return v.isEmpty() ? &empty : reinterpret_cast<const unsigned char *>(v.data());
}

std::optional<qint64> intField(const QCborMap &map, qint64 label)
{
    const QCborValue v = map.value(label);
    if (!v.isInteger())
        return std::nullopt;
    return v.toInteger();
}

std::optional<QByteArray> bytesField(const QCborMap &map, qint64 label)
{
    const QCborValue v = map.value(label);
    if (!v.isByteArray())
        return std::nullopt;
    return v.toByteArray();
}

// COSE maps must not repeat a label (RFC 9052 §7); QCborMap keeps duplicates and value() would
// silently pick the first one.
bool hasDuplicateKeys(const QCborMap &map)
{
    const QList<QCborValue> keys = map.keys();
    for (qsizetype i = 0; i < keys.size(); ++i) {
        for (qsizetype j = i + 1; j < keys.size(); ++j) {
            if (keys[i] == keys[j])
                return true;
        }
    }
    return false;
}

PKey fromParams(const char *type, OSSL_PARAM_BLD *builder)
{
    Params params(OSSL_PARAM_BLD_to_param(builder));
    PKeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY *raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1
        || EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return PKey();
    return PKey(raw);
}

// Full public-key validation: for EC the point is on the curve and not the identity (SP 800-56A
// §5.6.2.3.3), for RSA the SP 800-56B §6.4.2.1 checks (odd composite n, 2^16 < e < 2^256).
bool passesPublicCheck(EVP_PKEY *key)
{
    PKeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    return ctx && EVP_PKEY_public_check(ctx.get()) == 1;
}

Result<PKey> ec2Key(const QCborMap &map)
{
    const auto crv = intField(map, kLabelCrv);
    const auto x = bytesField(map, kLabelX);
    const auto y = bytesField(map, kLabelY);
    if (crv != kCrvP256)
        return invalidKey(QStringLiteral("is on an unsupported curve (ES256 requires P-256)."));
    // A boolean y would be a compressed point; WebAuthn keys are uncompressed (§6.5.1.1).
    if (!x || !y || x->size() != 32 || y->size() != 32)
        return invalidKey(QStringLiteral("has malformed EC coordinates."));
    const QByteArray point = QByteArray(1, '\x04') + *x + *y; // SEC 1 §2.3.3 uncompressed
    ParamBld builder(OSSL_PARAM_BLD_new());
    if (!builder
        || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                           SN_X9_62_prime256v1, 0)
                != 1
        || OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                            point.constData(), size_t(point.size()))
                != 1)
        return Error(ErrorCode::Internal, QStringLiteral("Out of memory reading a passkey."));
    PKey key = fromParams("EC", builder.get());
    if (!key || !passesPublicCheck(key.get()))
        return invalidKey(QStringLiteral("is not a point on the P-256 curve."));
    return key;
}

Result<PKey> okpKey(const QCborMap &map)
{
    const auto crv = intField(map, kLabelCrv);
    const auto x = bytesField(map, kLabelX);
    if (crv != kCrvEd25519)
        return invalidKey(QStringLiteral("is on an unsupported curve (EdDSA requires Ed25519)."));
    if (!x || x->size() != 32)
        return invalidKey(QStringLiteral("has a malformed Ed25519 key."));
    PKey key(EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, u8(*x), 32));
    if (!key)
        return invalidKey(QStringLiteral("has a malformed Ed25519 key."));
    return key;
}

Result<PKey> rsaKey(const QCborMap &map)
{
    const auto n = bytesField(map, kLabelN);
    const auto e = bytesField(map, kLabelE);
    if (!n || !e || n->isEmpty() || e->isEmpty() || n->size() > kMaxRsaBits / 8 + 1
        || e->size() > 32)
        return invalidKey(QStringLiteral("has a malformed RSA key."));
    Bignum bn(BN_bin2bn(u8(*n), int(n->size()), nullptr));
    Bignum be(BN_bin2bn(u8(*e), int(e->size()), nullptr));
    if (!bn || !be)
        return Error(ErrorCode::Internal, QStringLiteral("Out of memory reading a passkey."));
    const int bits = BN_num_bits(bn.get());
    if (bits < kMinRsaBits || bits > kMaxRsaBits)
        return invalidKey(QStringLiteral("is an RSA key of an unsupported size (2048 to 8192 "
                                         "bits are accepted)."));
    ParamBld builder(OSSL_PARAM_BLD_new());
    if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) != 1
        || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, be.get()) != 1)
        return Error(ErrorCode::Internal, QStringLiteral("Out of memory reading a passkey."));
    PKey key = fromParams("RSA", builder.get());
    if (!key || !passesPublicCheck(key.get()))
        return invalidKey(QStringLiteral("is not a valid RSA key."));
    return key;
}

QByteArray toSpki(const EVP_PKEY *key)
{
    const int len = i2d_PUBKEY(key, nullptr);
    if (len <= 0)
        return {};
    QByteArray out(len, Qt::Uninitialized);
    auto *p = reinterpret_cast<unsigned char *>(out.data());
    if (i2d_PUBKEY(key, &p) != len)
        return {};
    return out;
}

bool isP256(EVP_PKEY *key)
{
    char name[64] = {};
    size_t len = 0;
    return EVP_PKEY_is_a(key, "EC")
            && EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name,
                                              &len)
            == 1
            && std::strcmp(name, SN_X9_62_prime256v1) == 0;
}

// Precondition: isSupportedAlgorithm(coseAlgorithm).
bool keyFitsAlgorithm(EVP_PKEY *key, int coseAlgorithm)
{
    switch (Algorithm(coseAlgorithm)) {
    case Algorithm::ES256:
        return isP256(key);
    case Algorithm::EdDSA:
        return EVP_PKEY_is_a(key, "ED25519");
    case Algorithm::RS256:
        // "RSA" is not "RSA-PSS": a PSS-restricted key cannot be used for PKCS#1 v1.5.
        return EVP_PKEY_is_a(key, "RSA") && EVP_PKEY_get_bits(key) >= kMinRsaBits
                && EVP_PKEY_get_bits(key) <= kMaxRsaBits;
    }
    return false;
}

PKey fromSpki(QByteArrayView spki)
{
    if (spki.isEmpty() || spki.size() > kMaxSpkiSize)
        return PKey();
    const unsigned char *p = u8(spki);
    PKey key(d2i_PUBKEY(nullptr, &p, long(spki.size())));
    if (!key || p != u8(spki) + spki.size()) // trailing bytes: not the key we stored
        return PKey();
    return key;
}

} // namespace

bool isSupportedAlgorithm(int coseAlgorithm)
{
    return coseAlgorithm == int(Algorithm::ES256) || coseAlgorithm == int(Algorithm::EdDSA)
            || coseAlgorithm == int(Algorithm::RS256);
}

Result<CoseKey> coseKeyToSpki(const QCborMap &coseKey)
{
    const ErrorMark mark;
    if (coseKey.size() > kMaxCoseEntries || hasDuplicateKeys(coseKey))
        return invalidKey(QStringLiteral("is not a well-formed COSE key."));
    const auto kty = intField(coseKey, kLabelKty);
    const auto alg = intField(coseKey, kLabelAlg);
    if (!kty || !alg)
        return invalidKey(QStringLiteral("lacks its key type or algorithm."));
    if (*alg < std::numeric_limits<int>::min() || *alg > std::numeric_limits<int>::max()
        || !isSupportedAlgorithm(int(*alg)))
        return invalidKey(QStringLiteral("uses an unsupported algorithm (ES256, EdDSA and RS256 "
                                         "are accepted)."));
    const auto algorithm = Algorithm(int(*alg));
    const qint64 expectedKty = algorithm == Algorithm::ES256 ? kKtyEc2
            : algorithm == Algorithm::EdDSA                  ? kKtyOkp
                                                             : kKtyRsa;
    if (*kty != expectedKty)
        return invalidKey(QStringLiteral("has a key type that does not match its algorithm."));

    Result<PKey> key = algorithm == Algorithm::ES256 ? ec2Key(coseKey)
            : algorithm == Algorithm::EdDSA          ? okpKey(coseKey)
                                                     : rsaKey(coseKey);
    if (!key)
        return key.error();
    CoseKey out;
    out.algorithm = int(algorithm);
    out.spki = toSpki(key->get());
    if (out.spki.isEmpty())
        return Error(ErrorCode::Internal, QStringLiteral("Could not encode a passkey public key."));
    return out;
}

Result<void> verifySignature(int coseAlgorithm, QByteArrayView spki, QByteArrayView message,
                             QByteArrayView signature)
{
    const ErrorMark mark;
    if (!isSupportedAlgorithm(coseAlgorithm))
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("The passkey uses an unsupported algorithm."));
    PKey key = fromSpki(spki);
    if (!key || !keyFitsAlgorithm(key.get(), coseAlgorithm))
        return Error(ErrorCode::InvalidRequest,
                     QStringLiteral("The stored passkey public key does not fit its algorithm."));
    const bool eddsa = coseAlgorithm == int(Algorithm::EdDSA);
    const Error bad(ErrorCode::Forbidden, QStringLiteral("The passkey signature does not verify."));
    if (signature.isEmpty() || signature.size() > kMaxSignatureSize
        || (eddsa && signature.size() != 64))
        return bad;

    MdCtx ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX *pctx = nullptr; // owned by ctx
    if (!ctx
        || EVP_DigestVerifyInit_ex(ctx.get(), &pctx, eddsa ? nullptr : "SHA256", nullptr, nullptr,
                                   key.get(), nullptr)
                != 1)
        return Error(ErrorCode::Internal, QStringLiteral("Could not check a passkey signature."));
    if (coseAlgorithm == int(Algorithm::RS256)
        && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
        return Error(ErrorCode::Internal, QStringLiteral("Could not check a passkey signature."));
    // One-shot: Ed25519 (RFC 8032 PureEdDSA) cannot be fed incrementally.
    if (EVP_DigestVerify(ctx.get(), u8(signature), size_t(signature.size()), u8(message),
                         size_t(message.size()))
        != 1)
        return bad;
    return {};
}

} // namespace tap::crypto::webauthn
