#pragma once

#include "pages/page.h"

#include <QUrlQuery>

class QComboBox;
class QLineEdit;
class QPushButton;

namespace tap::console {

// The audit trail: filters, paging with the server's cursor, export to a JSON-lines file.
class AuditPage : public Page
{
    Q_OBJECT
public:
    AuditPage(Session *session, const Environment &env, QWidget *parent = nullptr);
    QString title() const override { return tr("Audit trail"); }
    QString iconName() const override { return QStringLiteral("audit"); }
    void refresh() override;
    void clear() override;

    // An audit record's reason code as a sentence (a free-text reason as it is).
    static QString reasonText(const QString &reason);

private:
    QString validate() const;
    QUrlQuery filters() const;
    void load(bool more);
    void exportTrail();

    QComboBox *m_kind;
    QLineEdit *m_action;
    QLineEdit *m_actor;
    QLineEdit *m_agent;
    QLineEdit *m_credential;
    QComboBox *m_decision;
    QLineEdit *m_since;
    QLineEdit *m_until;
    QPushButton *m_more;
    QList<QJsonObject> m_rows;
    QString m_cursor;
};

} // namespace tap::console
