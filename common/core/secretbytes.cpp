#include "core/secretbytes.h"

#include <openssl/crypto.h>

namespace tap::core {

void wipe(QByteArray &bytes)
{
    if (!bytes.isEmpty() && !bytes.isDetached())
        bytes = QByteArray(); // shared: another owner still needs the content
    else if (!bytes.isEmpty())
        OPENSSL_cleanse(bytes.data(), size_t(bytes.size()));
    bytes.clear();
}

SecretBytes::SecretBytes(QByteArrayView bytes) : m_data(bytes.data(), bytes.size()) { }

SecretBytes SecretBytes::adopt(QByteArray &&bytes)
{
    SecretBytes s;
    s.m_data = std::move(bytes);
    s.m_data.detach();
    return s;
}

SecretBytes::~SecretBytes()
{
    clear();
}

SecretBytes::SecretBytes(const SecretBytes &other)
    : m_data(other.m_data.constData(), other.m_data.size())
{
}

SecretBytes &SecretBytes::operator=(const SecretBytes &other)
{
    if (this != &other) {
        clear();
        m_data = QByteArray(other.m_data.constData(), other.m_data.size());
    }
    return *this;
}

SecretBytes::SecretBytes(SecretBytes &&other) noexcept : m_data(std::move(other.m_data)) { }

SecretBytes &SecretBytes::operator=(SecretBytes &&other) noexcept
{
    if (this != &other) {
        clear();
        m_data = std::move(other.m_data);
    }
    return *this;
}

void SecretBytes::clear()
{
    wipe(m_data);
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    return a.isEmpty() || CRYPTO_memcmp(a.data(), b.data(), size_t(a.size())) == 0;
}

} // namespace tap::core
