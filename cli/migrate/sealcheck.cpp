#include "migrate/sealcheck.h"

#include "crypto/aead.h"
#include "migrate/tables.h"

#include <QHash>
#include <QSqlError>
#include <QSqlQuery>

namespace tap::cli::migrate {

using core::Error;
using core::ErrorCode;
using core::Result;
using core::SecretBytes;
using namespace Qt::StringLiterals;

namespace {

// A column of sealed values and how its rows are named in the associated data (the same AADs
// as service/admin/credentials.cpp, service/admin/channels.cpp, service/forward/*).
struct SealedColumn
{
    const char *table;
    const char *rowColumn; // the row's name in the AAD
    const char *column;
    QByteArray purpose; // empty: KeyRing::credentialAad()
};

const QList<SealedColumn> &sealedColumns()
{
    static const QList<SealedColumn> columns{
        { "credentials", "id", "encrypted_value", {} },
        { "notification_channels", "name", "encrypted_secret", "tap:channel-secret:v1" },
        { "approvals", "id", "sealed_request", "tap:approval-request:v1" },
        { "approvals", "id", "sealed_response", "tap:approval-response:v1" },
        { "oauth_connect_states", "state_hash", "sealed_verifier", "oauth_connect" },
    };
    return columns;
}

Error wrongKey(const store::Database &db, const QString &what)
{
    return Error(ErrorCode::Forbidden,
                 u"the master key does not open %1 in %2: wrong master key (check "
                 "--master-key-file, TAP_MASTER_KEY_FILE or TAP_MASTER_KEY)"_s.arg(
                         what, db.url().redacted()));
}

Result<qint64> checkKeyCheck(store::Database &db, const crypto::KeyRing &keys)
{
    QSqlQuery q(db.connection());
    if (!q.exec(u"SELECT value FROM meta WHERE key = 'key_check'"_s))
        return Error(ErrorCode::Unavailable,
                     u"reading the key check: "_s + driverReason(q.lastError()));
    if (!q.next())
        return 0; // never had a master key: nothing can be sealed (checked with the teams)
    if (!keys.verifyKeyCheck(q.value(0).toByteArray()))
        return wrongKey(db, u"the key check"_s);
    return 1;
}

Result<QHash<QString, SecretBytes>> teamKeys(store::Database &db, const crypto::KeyRing &keys,
                                             bool hasKeyCheck)
{
    QSqlQuery q(db.connection());
    if (!q.exec(u"SELECT id, wrapped_dek FROM teams"_s))
        return Error(ErrorCode::Unavailable,
                     u"reading the teams: "_s + driverReason(q.lastError()));
    QHash<QString, SecretBytes> out;
    while (q.next()) {
        const QString team = q.value(0).toString();
        if (!hasKeyCheck)
            return Error(ErrorCode::Forbidden,
                         u"%1 holds teams but no master key check"_s.arg(db.url().redacted()));
        auto dek = keys.unwrapTeamKey(team, q.value(1).toByteArray());
        if (!dek)
            return wrongKey(db, u"the data key of team "_s + team);
        out.insert(team, dek.value());
    }
    return out;
}

Result<qint64> checkColumn(store::Database &db, const QHash<QString, SecretBytes> &deks,
                           const SealedColumn &c)
{
    QSqlQuery q(db.connection());
    q.setForwardOnly(true);
    if (!q.exec(u"SELECT team_id, %1, %2 FROM %3 WHERE %2 IS NOT NULL"_s.arg(
                QLatin1StringView(c.rowColumn), QLatin1StringView(c.column),
                QLatin1StringView(c.table))))
        return Error(
                ErrorCode::Unavailable,
                u"reading %1: %2"_s.arg(QLatin1StringView(c.table), driverReason(q.lastError())));
    qint64 opened = 0;
    while (q.next()) {
        const QString team = q.value(0).toString();
        const QString row = q.value(1).toString();
        const QByteArray aad = c.purpose.isEmpty() ? crypto::KeyRing::credentialAad(team, row)
                                                   : crypto::KeyRing::rowAad(c.purpose, team, row);
        const auto dek = deks.constFind(team);
        const QString what = u"%1.%2 of %3 (team %4)"_s.arg(QLatin1StringView(c.table),
                                                            QLatin1StringView(c.column), row, team);
        if (dek == deks.constEnd())
            return Error(ErrorCode::Internal, what + u" belongs to no team"_s);
        if (!crypto::Aead::open(*dek, q.value(2).toByteArray(), aad))
            return wrongKey(db, what);
        ++opened;
    }
    return opened;
}

} // namespace

Result<qint64> checkSealedValues(store::Database &db, const crypto::KeyRing &keys)
{
    auto check = checkKeyCheck(db, keys);
    if (!check)
        return check.error();
    auto deks = teamKeys(db, keys, check.value() > 0);
    if (!deks)
        return deks.error();
    qint64 opened = check.value() + deks->size();
    for (const SealedColumn &c : sealedColumns()) {
        auto n = checkColumn(db, deks.value(), c);
        if (!n)
            return n.error();
        opened += n.value();
    }
    return opened;
}

} // namespace tap::cli::migrate
