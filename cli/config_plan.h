// What `tap apply` changes: the file against the server, as an ordered list of changes, checked
// (references, secret sources) before anything is sent, then applied one by one.
#pragma once

#include "config.h"

#include <QJsonArray>
#include <QStringList>

namespace tap::cli::config {

struct Change
{
    enum class Op { Create, Update, Delete };
    enum class Status { Planned, Applied, Failed, NotApplied };
    Op op = Op::Create;
    Kind kind = Kind::Credential;
    QString name;
    Resource desired; // Create, Update
    Resource current; // Update, Delete
    QStringList diffs; // "rate_limit_per_hour 50 -> 100"; never a secret
    bool setSecret = false; // the value / bot token is (re)sent
    bool replace = false; // no update call: delete, then create
    Status status = Status::Planned;
    QString error;

    QString line() const; // "~ role reader: rate_limit_per_hour 50 -> 100"
    QJsonObject toJson() const;
};

struct Plan
{
    QList<Change> changes; // in the order they are applied
    int unchanged = 0;
    QStringList notInFile; // "agent old" (deleted with --prune)
};

Plan makePlan(const State &desired, const State &current, bool prune);
// References that will not exist after the apply, and values that cannot be read: one line
// each ("line N: …"); empty when the plan can run.
QStringList check(const Plan &plan, const State &desired, const State &current);
// Reads the secrets the plan sends; `errors` as check(). Values stay in `secrets`, keyed by
// "kind/name", and are never printed.
QHash<QString, QString> readSecrets(const Plan &plan, QStringList *errors);

// Sends one change; false (and change.error) when the server refused it.
bool applyChange(Context &ctx, Change &change, const QHash<QString, QString> &secrets);

} // namespace tap::cli::config
