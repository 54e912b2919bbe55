#pragma once

#include "approvals/approval.h"

#include <QAbstractTableModel>
#include <QList>

namespace tap::console {

// The approvals the inbox shows, replaced wholesale by each long-poll answer.
class ApprovalsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Status, Agent, Credential, Method, Target, Requested, Expires, DecidedBy, Count };
    static constexpr int IdRole = Qt::UserRole + 1;
    // Times by the instant, texts case-insensitively (the inbox's QSortFilterProxyModel).
    static constexpr int SortRole = Qt::UserRole + 2;

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void setApprovals(const QList<Approval> &approvals);
    // Replaces one row after a decision (no-op if it is not shown).
    void update(const Approval &approval);
    const QList<Approval> &approvals() const { return m_items; }
    const Approval *find(const QString &id) const;
    int rowOf(const QString &id) const;
    int pendingCount() const;
    static QString statusText(const QString &status);

private:
    QList<Approval> m_items;
};

} // namespace tap::console
