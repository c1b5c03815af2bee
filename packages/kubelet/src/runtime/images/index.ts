// The toy image catalog, keyed by repository name (tags and the docker.io/library/ prefix are stripped
// before lookup, so `nginx:1.27` and `docker.io/library/busybox:latest` resolve here).
import type { ToyImage } from '../program.ts';
import { clientImage } from './client.ts';
import { echoImage } from './echo.ts';
import { exitImage } from './exit.ts';
import { httpServerImage } from './http-server.ts';
import { httpsServerImage } from './https-server.ts';
import { loggerImage } from './logger.ts';
import { shellImage } from './shell.ts';

/** Every built-in image and alias. */
export function defaultImages(): Record<string, ToyImage> {
  const http = httpServerImage({ name: 'hubspoke/http-server', product: 'http-server', defaultPort: 8080 });
  return {
    'hubspoke/logger': loggerImage,
    'hubspoke/shell': shellImage,
    busybox: shellImage,
    alpine: shellImage,
    debian: shellImage,
    ubuntu: shellImage,
    'hubspoke/http-server': http,
    nginx: httpServerImage({ name: 'hubspoke/http-server', product: 'nginx', defaultPort: 80 }),
    httpd: httpServerImage({ name: 'hubspoke/http-server', product: 'httpd', defaultPort: 80 }),
    'hubspoke/https-server': httpsServerImage,
    'hubspoke/echo': echoImage,
    'hubspoke/client': clientImage,
    'hubspoke/exit': exitImage,
  };
}

export { clientImage, echoImage, exitImage, httpServerImage, httpsServerImage, loggerImage, shellImage };
