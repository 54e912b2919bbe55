#pragma once

#include "pages/page.h"

namespace tap::console {

// Roles: named sets of credentials (with an optional rate limit) that agents inherit.
class RolesPage : public Page
{
    Q_OBJECT
public:
    RolesPage(Session *session, const Environment &env, QWidget *parent = nullptr);
    QString title() const override { return tr("Roles"); }
    QString iconName() const override { return QStringLiteral("role"); }
    void refresh() override;
    void createNew() override { edit(true); }
    void deleteSelected() override { removeSelected(); }

private:
    void edit(bool creating);
    void removeSelected();
};

} // namespace tap::console
