#pragma once

#include "pages/page.h"

namespace tap::console {

// Notification channels (Telegram, Matrix, desktop): create, send a test message, delete.
class ChannelsPage : public Page
{
    Q_OBJECT
public:
    ChannelsPage(Session *session, const Environment &env, QWidget *parent = nullptr);
    QString title() const override { return tr("Notification channels"); }
    QString iconName() const override { return QStringLiteral("channel"); }
    void refresh() override;
    void createNew() override { create(); }
    void deleteSelected() override { removeSelected(); }

private:
    void create();
    void test();
    void removeSelected();
};

} // namespace tap::console
