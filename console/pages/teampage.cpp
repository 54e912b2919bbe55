#include "pages/teampage.h"

#include "api/validation.h"
#include "dialogs/formdialog.h"
#include "session/session.h"

#include <QJsonArray>
#include <QLabel>
#include <QVBoxLayout>

namespace tap::console {

namespace {

const QStringList kRoles{ QStringLiteral("owner"), QStringLiteral("admin"),
                          QStringLiteral("approver") };

} // namespace

TeamPage::TeamPage(Session *session, const Environment &env, QWidget *parent)
    : Page(session, env, parent)
{
    setObjectName(QStringLiteral("teamPage"));
    m_team = new QLabel(this);
    m_team->setObjectName(QStringLiteral("teamLabel"));
    m_team->setTextInteractionFlags(Qt::TextSelectableByMouse);
    body()->insertWidget(0, m_team);
    addButton(tr("&Invite…"), QStringLiteral("inviteButton"), QStringLiteral("add"), Configures,
              [this] { invite(); });
    addButton(tr("Change &role…"), QStringLiteral("changeRoleButton"), QStringLiteral("role"),
              NeedsSelection | Configures, [this] { changeRole(); });
    addButton(tr("Re&move"), QStringLiteral("removeButton"), QStringLiteral("delete"),
              NeedsSelection | Configures, [this] { removeMember(); });
    setupTable(QStringLiteral("membersTable"),
               { tr("Email"), tr("Role"), tr("State"), tr("Since / until") });
}

void TeamPage::refresh()
{
    call("GET", QStringLiteral("/admin/team"), {}, [this](const QJsonObject &t) {
        m_team->setText(tr("Team <b>%1</b> (%2) — you are %3")
                                .arg(t.value(QStringLiteral("name")).toString().toHtmlEscaped(),
                                     t.value(QStringLiteral("id")).toString().toHtmlEscaped(),
                                     t.value(QStringLiteral("your_role")).toString()));
    });
    call("GET", QStringLiteral("/admin/members"), {}, [this](const QJsonObject &body) {
        QList<QJsonObject> rows;
        const QJsonArray members = body.value(QStringLiteral("members")).toArray();
        for (const QJsonValue &m : members)
            rows.append(m.toObject());
        const QJsonArray invites = body.value(QStringLiteral("pending_invites")).toArray();
        for (const QJsonValue &i : invites) {
            QJsonObject row = i.toObject();
            row.insert(QStringLiteral("invited"), true);
            rows.append(row);
        }
        setRows(rows, [](const QJsonObject &r) {
            const bool invited = r.value(QStringLiteral("invited")).toBool();
            const QString state = invited ? tr("Invited")
                    : r.value(QStringLiteral("email_verified")).toBool()
                    ? tr("Member")
                    : tr("Member (email not verified)");
            return QStringList{ r.value(QStringLiteral("email")).toString(),
                                r.value(QStringLiteral("role")).toString(), state,
                                shortTime(r.value(invited ? QStringLiteral("expires_at")
                                                          : QStringLiteral("joined_at"))) };
        });
    });
}

void TeamPage::invite()
{
    auto *dialog = new FormDialog(QStringLiteral("inviteDialog"), tr("Invite a member"), this);
    dialog->addLine(QStringLiteral("inviteEmail"), tr("&Email:"));
    dialog->addCombo(QStringLiteral("inviteRole"), tr("&Role:"), kRoles,
                     QStringLiteral("approver"));
    dialog->addNote(tr("The invitation is mailed with a token to sign up or log in with; it "
                       "expires in 7 days."));
    dialog->setValidator([dialog] {
        if (!api::checkEmail(dialog->text(QStringLiteral("inviteEmail")).toLower()))
            return tr("Enter a valid email address.");
        return QString();
    });
    dialog->setSubmit([this](FormDialog *d) {
        api()->post(QStringLiteral("/admin/members/invite"),
                    { { QStringLiteral("email"), d->text(QStringLiteral("inviteEmail")).toLower() },
                      { QStringLiteral("role"), d->text(QStringLiteral("inviteRole")) } },
                    [this, d](const Reply &r) {
                        d->finish(r);
                        if (r.ok()) {
                            showStatus(r.body.value(QStringLiteral("message"))
                                               .toString(tr("Invitation sent.")));
                            refresh();
                        }
                    });
    });
    dialog->open();
}

void TeamPage::changeRole()
{
    const QJsonObject row = selectedRow();
    if (row.isEmpty())
        return;
    if (row.value(QStringLiteral("invited")).toBool())
        return showError(tr("Invitations cannot be changed; invite again instead."));
    const QString id = row.value(QStringLiteral("id")).toString();
    auto *dialog = new FormDialog(QStringLiteral("roleDialog"), tr("Change role"), this);
    dialog->addNote(row.value(QStringLiteral("email")).toString());
    dialog->addCombo(QStringLiteral("memberRole"), tr("&Role:"), kRoles,
                     row.value(QStringLiteral("role")).toString());
    dialog->setSubmit([this, id](FormDialog *d) {
        api()->patch(QStringLiteral("/admin/members/") + apiclient::ApiClient::segment(id),
                     { { QStringLiteral("role"), d->text(QStringLiteral("memberRole")) } },
                     [this, d](const Reply &r) {
                         d->finish(r);
                         if (r.ok())
                             refresh();
                     });
    });
    dialog->open();
}

void TeamPage::removeMember()
{
    const QJsonObject row = selectedRow();
    if (row.isEmpty())
        return;
    if (row.value(QStringLiteral("invited")).toBool())
        return showError(tr("Pending invitations expire on their own."));
    const QString email = row.value(QStringLiteral("email")).toString();
    if (!confirm(tr("Remove member"),
                 tr("Remove %1 from the team? Their sessions end at once.").arg(email)))
        return;
    call("DELETE",
         QStringLiteral("/admin/members/")
                 + apiclient::ApiClient::segment(row.value(QStringLiteral("id")).toString()),
         {}, [this, email](const QJsonObject &) {
             showStatus(tr("%1 was removed from the team.").arg(email));
             refresh();
         });
}

} // namespace tap::console
