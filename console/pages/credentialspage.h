#pragma once

#include "pages/page.h"

namespace tap::console {

// Credentials: create, edit, rotate the value (write-only), delete with the cascade spelled
// out.
class CredentialsPage : public Page
{
    Q_OBJECT
public:
    CredentialsPage(Session *session, const Environment &env, QWidget *parent = nullptr);
    QString title() const override { return tr("Credentials"); }
    QString iconName() const override { return QStringLiteral("credential"); }
    void refresh() override;
    void createNew() override { edit(true); }
    void deleteSelected() override { removeSelected(); }

private:
    void edit(bool creating);
    void rotate();
    void removeSelected();
};

} // namespace tap::console
