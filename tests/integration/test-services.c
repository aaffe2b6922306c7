// SPDX-License-Identifier: GPL-3.0-or-later
/* The environment build-aux/services and build-aux/test give the integration suites:
 * each real component answers, so a later failure is the code's and not the harness's. */
#include "config.h"

#include <libsecret/secret.h>

#include "hv-host-command.h"
#include "hv-test-fixture.h"

static const SecretSchema test_schema = {
  "io.github.hydravisor.Test", SECRET_SCHEMA_NONE,
  {
    { "case", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

/* A session bus with an unlocked keyring: store, look up and delete a secret. */
static void
test_secret_service (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;

  g_assert_nonnull (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
  g_assert_true (secret_password_store_sync (&test_schema, SECRET_COLLECTION_DEFAULT, "hydravisor test",
                                             "s3cret value", NULL, &error, "case", "services", NULL));
  g_assert_no_error (error);
  secret = secret_password_lookup_sync (&test_schema, NULL, &error, "case", "services", NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "s3cret value");
  g_assert_true (secret_password_clear_sync (&test_schema, NULL, &error, "case", "services", NULL));
  g_assert_no_error (error);
}

static void
test_libvirtd (void)
{
  const char *argv[] = { "virsh", "-c", "qemu:///system", "uri", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_assert_true (hv_host_command_run_sync (argv, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_strstrip (out), ==, "qemu:///system");
}

static void
test_containerd (void)
{
  const char *address = g_getenv ("CONTAINERD_ADDRESS");
  const char *argv[] = { "ctr", "--address", address, "version", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_assert_nonnull (address);
  g_assert_true (g_file_test (address, G_FILE_TEST_EXISTS));
  g_assert_true (hv_host_command_run_sync (argv, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out, "Server:"));
}

/* sshd on 127.0.0.1:2222 greets with an SSH-2.0 banner. */
static void
test_sshd (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  char banner[64] = { 0 };
  gsize n = 0;

  g_socket_client_set_timeout (client, 10);
  g_socket_client_set_enable_proxy (client, FALSE);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", 2222, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (conn)),
                                          banner, 8, &n, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (banner, ==, "SSH-2.0-");
}

int
main (int   argc,
      char *argv[])
{
  hv_test_init (&argc, &argv);

  g_test_add_func ("/services/secret-service", test_secret_service);
  g_test_add_func ("/services/libvirtd", test_libvirtd);
  g_test_add_func ("/services/containerd", test_containerd);
  g_test_add_func ("/services/sshd", test_sshd);

  return g_test_run ();
}
