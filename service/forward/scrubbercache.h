#pragma once

#include "sanitizer/scrubber.h"

#include <QHash>
#include <QMutex>

#include <memory>

namespace tap::forward {

// The response scrubber of a request whose credential adds secrets of its own (an oauth2
// row's access and refresh tokens, README "OAuth 2.0 credentials"), built once per set of
// secrets instead of per request: its automaton over every secret in every encoding is most of
// such a request's cost (tests/bench/profile-oauth2-c1.txt). One entry per credential row,
// replaced when any secret changes (a refreshed token, a new value) and dropped kMaxAgeMs after
// it was built, so a deleted credential's secrets do not stay in memory. A hit compares the
// secrets themselves (constant time), no hash and no copy of them per request. Thread-safe.
class ScrubberCache
{
public:
    static constexpr qint64 kMaxAgeMs = 60 * 1000;

    // The scrubber for the secrets `base` followed by `extra` of the row `rowId`: the cached
    // one when the same secrets (names and values, in order) built it, else a new one (cached).
    std::shared_ptr<const sanitizer::Scrubber> get(const QString &rowId,
                                                   const QList<sanitizer::Secret> &base,
                                                   const QList<sanitizer::Secret> &extra,
                                                   qint64 nowMs);
    std::shared_ptr<const sanitizer::Scrubber>
    get(const QString &rowId, const QList<sanitizer::Secret> &secrets, qint64 nowMs)
    {
        return get(rowId, secrets, {}, nowMs);
    }

private:
    struct Entry
    {
        QList<sanitizer::Secret> secrets; // what built the scrubber (SecretBytes: wiped)
        std::shared_ptr<const sanitizer::Scrubber> scrubber;
        qint64 builtAt = 0;
    };
    QMutex m_lock;
    QHash<QString, Entry> m_entries;
};

} // namespace tap::forward
