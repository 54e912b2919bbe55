#include "crypto/process.h"

#include <openssl/crypto.h>

#include <QtGlobal>

namespace tap::crypto {

void initForProcess()
{
    if (OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr) != 1)
        qFatal("OpenSSL failed to initialise");
}

} // namespace tap::crypto
