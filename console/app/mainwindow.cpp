#include "mainwindow.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QStatusBar>

namespace tap::console {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("TAP Console"));
    auto *central = new QWidget(this);
    auto *form = new QFormLayout(central);
    auto *server = new QLineEdit(QStringLiteral("http://127.0.0.1:8080"), central);
    server->setObjectName(QStringLiteral("serverUrl"));
    form->addRow(tr("Server:"), server);
    form->addRow(new QLabel(tr("Not connected."), central));
    setCentralWidget(central);
    statusBar()->showMessage(tr("Ready"));
}

} // namespace tap::console
