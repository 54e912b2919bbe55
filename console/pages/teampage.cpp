#include "pages/teampage.h"

#include "api/keys.h"
#include "api/member.h"
#include "dialogs/formdialog.h"
#include "session/session.h"

#include <QJsonArray>
#include <QLabel>
#include <QVBoxLayout>

namespace tap::console {

namespace {

namespace key = api::key;

// Marks the rows of pending invitations in the table (not a wire key).
const QString kInvited = QStringLiteral("invited");

} // namespace

TeamPage::TeamPage(Session *session, const Environment &env, QWidget *parent)
    : Page(session, env, parent)
{
    setObjectName(QStringLiteral("teamPage"));
    m_team = new QLabel(this);
    m_team->setObjectName(QStringLiteral("teamLabel"));
    m_team->setTextInteractionFlags(Qt::TextSelectableByMouse);
    body()->insertWidget(0, m_team);
    addButton(tr("&Invite…"), QStringLiteral("inviteButton"), QStringLiteral("add"),
              Configures | CreatesNew, [this] { invite(); });
    addButton(tr("Change &role…"), QStringLiteral("changeRoleButton"), QStringLiteral("role"),
              NeedsSelection | Configures, [this] { changeRole(); });
    addButton(tr("Re&move"), QStringLiteral("removeButton"), QStringLiteral("delete"),
              NeedsSelection | Configures | Deletes, [this] { removeMember(); });
    setupTable(QStringLiteral("membersTable"),
               { Column::of(tr("Email"), Column::value(key::kEmail)),
                 Column::of(tr("Role"),
                            [](const QJsonObject &r) {
                                return api::memberRoleName(api::Member::decode(r).role);
                            }),
                 Column::of(tr("State"),
                            [](const QJsonObject &r) {
                                if (r.value(kInvited).toBool())
                                    return tr("Invited");
                                return r.value(key::kEmailVerified).toBool()
                                        ? tr("Member")
                                        : tr("Member (email not verified)");
                            }),
                 Column::time(tr("Since / until"), [](const QJsonObject &r) {
                     return r.value(r.value(kInvited).toBool() ? key::kExpiresAt : key::kJoinedAt)
                             .toString();
                 }) });
}

void TeamPage::refresh()
{
    call("GET", QStringLiteral("/admin/team"), {}, [this](const QJsonObject &object) {
        const api::Team t = api::Team::decode(object);
        m_team->setText(tr("Team <b>%1</b> (%2) — you are %3")
                                .arg(t.name.toHtmlEscaped(), t.id.toHtmlEscaped(),
                                     api::memberRoleName(t.yourRole)));
    });
    call("GET", QStringLiteral("/admin/members"), {}, [this](const QJsonObject &body) {
        QList<QJsonObject> rows;
        const QJsonArray members = body.value(key::kMembers).toArray();
        for (const QJsonValue &m : members)
            rows.append(m.toObject());
        const QJsonArray invites = body.value(key::kPendingInvites).toArray();
        for (const QJsonValue &i : invites) {
            QJsonObject row = i.toObject();
            row.insert(kInvited, true);
            rows.append(row);
        }
        setRows(rows);
    });
}

void TeamPage::invite()
{
    auto *dialog = new FormDialog(QStringLiteral("inviteDialog"), tr("Invite a member"), this);
    dialog->addLine(QStringLiteral("inviteEmail"), tr("&Email:"));
    dialog->addCombo(QStringLiteral("inviteRole"), tr("&Role:"), api::allNames<api::MemberRole>(),
                     api::memberRoleName(api::MemberRole::Approver));
    dialog->addNote(tr("The invitation is mailed with a token to sign up or log in with; it "
                       "expires in 7 days."));
    // The server's rules (api::InviteInput::decode()); the body is the decoded input.
    const auto input = [](FormDialog *d) {
        return api::InviteInput::decode({ { key::kEmail, d->text(QStringLiteral("inviteEmail")) },
                                          { key::kRole, d->text(QStringLiteral("inviteRole")) } });
    };
    dialog->setValidator([dialog, input] {
        const auto decoded = input(dialog);
        if (!decoded && decoded.error().field() == key::kEmail)
            return tr("Enter a valid email address.");
        return decoded ? QString() : decoded.error().message();
    });
    dialog->setErrorTexts({ { QStringLiteral("conflict"),
                              tr("This person is already a member of the team or invited.") } });
    dialog->setSubmit([this, input](FormDialog *d) {
        d->track(api()->post(
                QStringLiteral("/admin/members/invite"), input(d)->encode(), d,
                [this, d](const Reply &r) {
                    d->finish(r);
                    if (r.ok()) {
                        showStatus(r.body.value(key::kMessage).toString(tr("Invitation sent.")));
                        refresh();
                    }
                }));
    });
    dialog->open();
}

void TeamPage::changeRole()
{
    const QJsonObject row = selectedRow();
    if (row.isEmpty())
        return;
    if (row.value(kInvited).toBool())
        return showError(tr("Invitations cannot be changed; invite again instead."));
    const api::Member member = api::Member::decode(row);
    const QString id = member.id;
    auto *dialog = new FormDialog(QStringLiteral("roleDialog"), tr("Change role"), this);
    dialog->addNote(member.email);
    dialog->addCombo(QStringLiteral("memberRole"), tr("&Role:"), api::allNames<api::MemberRole>(),
                     api::memberRoleName(member.role));
    dialog->setSubmit([this, id](FormDialog *d) {
        d->track(api()->patch(QStringLiteral("/admin/members/") + apiclient::ApiClient::segment(id),
                              { { key::kRole, d->text(QStringLiteral("memberRole")) } }, d,
                              [this, d](const Reply &r) {
                                  d->finish(r);
                                  if (r.ok())
                                      refresh();
                              }));
    });
    dialog->open();
}

void TeamPage::removeMember()
{
    const QJsonObject row = selectedRow();
    if (row.isEmpty())
        return;
    if (row.value(kInvited).toBool())
        return showError(tr("Pending invitations expire on their own."));
    const api::Member member = api::Member::decode(row);
    const QString email = member.email;
    if (!confirm(tr("Remove member"),
                 tr("Remove %1 from the team? Their sessions end at once.").arg(email)))
        return;
    call("DELETE", QStringLiteral("/admin/members/") + apiclient::ApiClient::segment(member.id), {},
         [this, email](const QJsonObject &) {
             showStatus(tr("%1 was removed from the team.").arg(email));
             refresh();
         });
}

} // namespace tap::console
