#pragma once

#include "pages/page.h"

class QLabel;

namespace tap::console {

// The team, its members and pending invitations: invite, change a member's role, remove.
class TeamPage : public Page
{
    Q_OBJECT
public:
    TeamPage(Session *session, const Environment &env, QWidget *parent = nullptr);
    QString title() const override { return tr("Team"); }
    QString iconName() const override { return QStringLiteral("team"); }
    void refresh() override;
    void createNew() override { invite(); }
    void deleteSelected() override { removeMember(); }

private:
    void invite();
    void changeRole();
    void removeMember();

    QLabel *m_team;
};

} // namespace tap::console
