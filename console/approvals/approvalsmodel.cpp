#include "approvals/approvalsmodel.h"

#include <QBrush>
#include <QLocale>

namespace tap::console {

int ApprovalsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int ApprovalsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : Count;
}

QString ApprovalsModel::statusText(const QString &status)
{
    if (status == u"pending")
        return tr("Pending");
    if (status == u"approved")
        return tr("Approved");
    if (status == u"forwarded")
        return tr("Forwarded");
    if (status == u"denied")
        return tr("Denied");
    if (status == u"expired")
        return tr("Expired");
    if (status == u"failed")
        return tr("Failed");
    return status;
}

QVariant ApprovalsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_items.size())
        return {};
    const Approval &a = m_items.at(index.row());
    if (role == IdRole)
        return a.id;
    if (role == Qt::ToolTipRole && index.column() == Status && a.requirePasskey)
        return tr("Needs a passkey: decided in the browser.");
    if (role == Qt::ForegroundRole && index.column() == Status && a.needsMe())
        return QBrush(Qt::darkRed);
    if (role == SortRole) {
        if (index.column() == Requested)
            return a.createdAt;
        if (index.column() == Expires)
            return a.expiresAt;
        return data(index, Qt::DisplayRole).toString().toCaseFolded();
    }
    if (role != Qt::DisplayRole)
        return {};
    const QLocale locale;
    switch (Column(index.column())) {
    case Status:
        return QString(statusText(a.status) + (a.requirePasskey ? tr(" (passkey)") : QString()));
    case Agent:
        return a.agentLabel();
    case Credential:
        return a.credential;
    case Method:
        return a.method;
    case Target:
        return a.target;
    case Requested:
        return locale.toString(a.createdAt, QLocale::ShortFormat);
    case Expires:
        return locale.toString(a.expiresAt, QLocale::ShortFormat);
    case DecidedBy:
        return a.decidedBy;
    case Count:
        break;
    }
    return {};
}

QVariant ApprovalsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Status:
        return tr("Status");
    case Agent:
        return tr("Agent");
    case Credential:
        return tr("Credential");
    case Method:
        return tr("Method");
    case Target:
        return tr("Target");
    case Requested:
        return tr("Requested");
    case Expires:
        return tr("Expires");
    case DecidedBy:
        return tr("Decided by");
    case Count:
        break;
    }
    return {};
}

void ApprovalsModel::setApprovals(const QList<Approval> &approvals)
{
    beginResetModel();
    m_items = approvals;
    endResetModel();
}

void ApprovalsModel::update(const Approval &approval)
{
    const int row = rowOf(approval.id);
    if (row < 0)
        return;
    m_items[row] = approval;
    Q_EMIT dataChanged(index(row, 0), index(row, Count - 1));
}

const Approval *ApprovalsModel::find(const QString &id) const
{
    const int row = rowOf(id);
    return row < 0 ? nullptr : &m_items.at(row);
}

int ApprovalsModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_items.size(); ++i) {
        if (m_items.at(i).id == id)
            return i;
    }
    return -1;
}

int ApprovalsModel::pendingCount() const
{
    int n = 0;
    for (const Approval &a : m_items)
        n += a.isPending() ? 1 : 0;
    return n;
}

} // namespace tap::console
