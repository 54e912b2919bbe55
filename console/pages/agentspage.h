#pragma once

#include "pages/page.h"

class QLabel;

namespace tap::console {

// Agents: create (the API key is shown once), edit, enable/disable, rotate the key, delete,
// and the effective credentials of the selected one.
class AgentsPage : public Page
{
    Q_OBJECT
public:
    AgentsPage(Session *session, const Environment &env, QWidget *parent = nullptr);
    QString title() const override { return tr("Agents"); }
    QString iconName() const override { return QStringLiteral("agent"); }
    void refresh() override;
    void clear() override;
    void createNew() override { edit(true); }
    void deleteSelected() override { removeSelected(); }

private:
    void edit(bool creating);
    void toggle();
    void rotateKey();
    void removeSelected();
    void showDetails();
    void showKey(const QJsonObject &answer);

    QLabel *m_details;
};

} // namespace tap::console
