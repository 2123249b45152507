"""Whether Click can reach the merchant's callback URLs from the Internet."""
import ipaddress
from urllib.parse import urlsplit

NOT_HTTPS = 'not_https'
NOT_PUBLIC = 'not_public'
DEFAULT_PORTS = {'http': 80, 'https': 443}


def callback_url_problems(url):
    """Return what keeps Click from calling ``url``: ``NOT_HTTPS``, ``NOT_PUBLIC``, both or neither."""
    parts = urlsplit(url or '')
    problems = [] if parts.scheme == 'https' else [NOT_HTTPS]
    host = (parts.hostname or '').rstrip('.')
    try:
        public = ipaddress.ip_address(host).is_global
    except ValueError:
        public = '.' in host and not host.endswith(('.localhost', '.local', '.internal', '.lan'))
    if not public:
        problems.append(NOT_PUBLIC)
    return problems


def same_origin(url, other_url):
    """Tell whether two URLs name the same scheme, host and port, default ports written or not."""
    return _origin(url) == _origin(other_url)


def _origin(url):
    parts = urlsplit(url or '')
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme, (parts.hostname or '').rstrip('.'), port or DEFAULT_PORTS.get(parts.scheme)
