namespace Podway.Images.Nginx;

/// <summary>
/// The per-container nginx.conf: the official image's default server (welcome page on :80, combined log to
/// stdout, errors to stderr) with pid and temp paths in the container's private folder.
/// </summary>
internal static class NginxConfig
{
    public static string Render(string dir, int port, bool asRoot, string? mimeTypesFile)
    {
        var mime = mimeTypesFile is not null
            ? $"include {mimeTypesFile};"
            : "types { text/html html htm; text/css css; application/javascript js; image/png png; image/svg+xml svg; }";
        // Workers drop to nobody when the master is root (as the official image drops to "nginx").
        var user = asRoot ? "user nobody nogroup;\n" : "";
        return $$"""
            {{user}}worker_processes 1;
            pid {{dir}}/nginx.pid;
            error_log stderr notice;

            events {
                worker_connections 1024;
            }

            http {
                {{mime}}
                default_type application/octet-stream;

                log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                                '$status $body_bytes_sent "$http_referer" '
                                '"$http_user_agent" "$http_x_forwarded_for"';
                access_log /dev/stdout main;

                client_body_temp_path {{dir}}/client_body;
                proxy_temp_path {{dir}}/proxy;
                fastcgi_temp_path {{dir}}/fastcgi;
                uwsgi_temp_path {{dir}}/uwsgi;
                scgi_temp_path {{dir}}/scgi;

                sendfile on;
                keepalive_timeout 65;

                server {
                    listen {{port}};
                    listen [::]:{{port}};
                    server_name localhost;

                    location / {
                        root {{dir}}/html;
                        index index.html index.htm;
                    }

                    error_page 500 502 503 504 /50x.html;
                    location = /50x.html {
                        root {{dir}}/html;
                    }
                }
            }

            """;
    }
}
