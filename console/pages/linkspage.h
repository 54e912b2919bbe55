#pragma once

#include "pages/page.h"

namespace tap::console {

// Agent links: agents of other teams allowed to use this team's credentials, scoped by a role.
class LinksPage : public Page
{
    Q_OBJECT
public:
    LinksPage(Session *session, const Environment &env, QWidget *parent = nullptr);
    QString title() const override { return tr("Agent links"); }
    QString iconName() const override { return QStringLiteral("link"); }
    void refresh() override;
    void createNew() override { create(); }
    void deleteSelected() override { removeSelected(); }

private:
    void create();
    void removeSelected();
};

} // namespace tap::console
