#pragma once

#include "core/result.h"
#include "store/auditstore.h"

#include <functional>

class QObject;

namespace tap::forward {

// Where the data plane's audit records go (AuditSink in tapd, a recording fake in tests).
class AuditTrail
{
public:
    virtual ~AuditTrail() = default;

    // Inserts the record; returns its sequence number. Records for which `final` is false are
    // completed later by complete() (streamed responses: redactions known only at the end).
    virtual core::Result<qint64> write(const store::AuditRecord &record, bool final = true) = 0;
    // Writes a final record; `done` runs on `context`'s thread once the record is durable (a
    // process killed after that keeps it: in AuditSink's journal, or committed), or with the
    // error if it cannot be. The number it gets identifies the record in that store (the
    // journal's entry number; the audit_log seq only for a synchronous commit). Nothing runs if
    // `context` is gone by then. It may run before writeAsync() returns, when called on
    // `context`'s thread.
    virtual void writeAsync(const store::AuditRecord &record, QObject *context,
                            std::function<void(core::Result<qint64>)> done) = 0;
    // Fills in latency, redactions and reason of a record written with `final` false.
    virtual void complete(store::AuditRecord record) = 0;
};

} // namespace tap::forward
