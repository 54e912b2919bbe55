#pragma once

#include <QMainWindow>

namespace tap::console {

// The console's main window. For now: where to connect; pages come with the admin API.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
};

} // namespace tap::console
