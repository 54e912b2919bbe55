#pragma once

#include <QDateTime>

namespace tap::core {

// Wall-clock time source. Take `const Clock &` as a parameter; tests inject a fake.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual qint64 nowMs() const = 0; // milliseconds since the Unix epoch, UTC
    QDateTime now() const { return QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC); }
};

class SystemClock final : public Clock
{
public:
    qint64 nowMs() const override;
};

// RFC 3339 in UTC with a Z suffix, e.g. 2026-04-03T12:00:00Z (the API's timestamps).
QString toRfc3339(qint64 epochMs);

} // namespace tap::core
