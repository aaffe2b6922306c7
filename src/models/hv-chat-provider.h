// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>

#include "hv-chat-message.h"
#include "hv-config.h"
#include "hv-model-info.h"

G_BEGIN_DECLS

#define HV_MODEL_ERROR (hv_model_error_quark ())

typedef enum {
  HV_MODEL_ERROR_UNREACHABLE,       /* nothing answers at the provider's address */
  HV_MODEL_ERROR_MODEL_NOT_FOUND,   /* the provider does not have the model */
  HV_MODEL_ERROR_CONNECTION_LOST,   /* the connection broke in the middle of a reply */
  HV_MODEL_ERROR_SERVER,            /* the provider answered with an error */
  HV_MODEL_ERROR_PROTOCOL,          /* the provider answered something that is not its API */
  HV_MODEL_ERROR_INVALID_ADDRESS,   /* the configured address cannot be used */
  HV_MODEL_ERROR_UNKNOWN_PROVIDER,  /* no such provider, or not available in this build */
} HvModelError;

/* What a provider can do beyond listing models and chatting. Ollama manages models on the
 * machine; Bedrock only lists and chats. */
typedef enum {
  HV_CHAT_PROVIDER_CAN_PULL         = 1 << 0,
  HV_CHAT_PROVIDER_CAN_DELETE       = 1 << 1,
  HV_CHAT_PROVIDER_CAN_SHOW         = 1 << 2,
  HV_CHAT_PROVIDER_CAN_LIST_RUNNING = 1 << 3,
  HV_CHAT_PROVIDER_CAN_GET_VERSION  = 1 << 4,
} HvChatProviderCapabilities;

/* One step of a model download, as the provider reports it. */
typedef struct {
  const char *status;   /* "pulling manifest", "downloading sha256:…", "success" */
  const char *digest;   /* the layer being downloaded, or NULL */
  guint64 total;        /* bytes of that layer; 0 when unknown */
  guint64 completed;    /* bytes of it downloaded so far */
} HvPullProgress;

typedef void (*HvPullProgressFunc) (const HvPullProgress *progress,
                                    gpointer              user_data);

#define HV_TYPE_CHAT_PROVIDER (hv_chat_provider_get_type ())

G_DECLARE_INTERFACE (HvChatProvider, hv_chat_provider, HV, CHAT_PROVIDER, GObject)

struct _HvChatProviderInterface
{
  GTypeInterface parent_iface;

  const char                *(*get_id)               (HvChatProvider       *self);
  const char                *(*get_display_name)     (HvChatProvider       *self);
  const char                *(*get_address)          (HvChatProvider       *self);
  HvChatProviderCapabilities (*get_capabilities)     (HvChatProvider       *self);

  void          (*list_models_async)   (HvChatProvider       *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  GListModel   *(*list_models_finish)  (HvChatProvider       *self,
                                        GAsyncResult         *result,
                                        GError              **error);

  /* Streams the reply into @reply (hv_chat_message_append_content()/_thinking(), then
   * hv_chat_message_set_stats()). The state of @reply is set by the caller's wrapper. */
  void          (*chat_async)          (HvChatProvider       *self,
                                        const char           *model,
                                        GPtrArray            *messages,
                                        HvChatMessage        *reply,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  gboolean      (*chat_finish)         (HvChatProvider       *self,
                                        GAsyncResult         *result,
                                        GError              **error);

  /* Optional (see the capabilities); the defaults fail with G_IO_ERROR_NOT_SUPPORTED. */
  void          (*pull_async)          (HvChatProvider       *self,
                                        const char           *name,
                                        HvPullProgressFunc    progress,
                                        gpointer              progress_data,
                                        GDestroyNotify        progress_destroy,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  gboolean      (*pull_finish)         (HvChatProvider       *self,
                                        GAsyncResult         *result,
                                        GError              **error);
  void          (*delete_model_async)  (HvChatProvider       *self,
                                        const char           *name,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  gboolean      (*delete_model_finish) (HvChatProvider       *self,
                                        GAsyncResult         *result,
                                        GError              **error);
  void          (*show_model_async)    (HvChatProvider       *self,
                                        const char           *name,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  HvModelInfo  *(*show_model_finish)   (HvChatProvider       *self,
                                        GAsyncResult         *result,
                                        GError              **error);
  void          (*list_running_async)  (HvChatProvider       *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  GListModel   *(*list_running_finish) (HvChatProvider       *self,
                                        GAsyncResult         *result,
                                        GError              **error);
  void          (*get_version_async)   (HvChatProvider       *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  char         *(*get_version_finish)  (HvChatProvider       *self,
                                        GAsyncResult         *result,
                                        GError              **error);
};

GQuark                     hv_model_error_quark               (void);

const char                *hv_chat_provider_get_id            (HvChatProvider       *self);
const char                *hv_chat_provider_get_display_name  (HvChatProvider       *self);
const char                *hv_chat_provider_get_address       (HvChatProvider       *self);
HvChatProviderCapabilities hv_chat_provider_get_capabilities  (HvChatProvider       *self);

void          hv_chat_provider_list_models_async   (HvChatProvider       *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GListModel   *hv_chat_provider_list_models_finish  (HvChatProvider       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void          hv_chat_provider_chat_async          (HvChatProvider       *self,
                                                    const char           *model,
                                                    GPtrArray            *messages,
                                                    HvChatMessage        *reply,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean      hv_chat_provider_chat_finish         (HvChatProvider       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void          hv_chat_provider_pull_async          (HvChatProvider       *self,
                                                    const char           *name,
                                                    HvPullProgressFunc    progress,
                                                    gpointer              progress_data,
                                                    GDestroyNotify        progress_destroy,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean      hv_chat_provider_pull_finish         (HvChatProvider       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void          hv_chat_provider_delete_model_async  (HvChatProvider       *self,
                                                    const char           *name,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean      hv_chat_provider_delete_model_finish (HvChatProvider       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void          hv_chat_provider_show_model_async    (HvChatProvider       *self,
                                                    const char           *name,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
HvModelInfo  *hv_chat_provider_show_model_finish   (HvChatProvider       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void          hv_chat_provider_list_running_async  (HvChatProvider       *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GListModel   *hv_chat_provider_list_running_finish (HvChatProvider       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void          hv_chat_provider_get_version_async   (HvChatProvider       *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
char         *hv_chat_provider_get_version_finish  (HvChatProvider       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

/* Providers by id ("ollama", "bedrock"), configured from @config. */
HvChatProvider *hv_chat_provider_new_for_id        (const char           *id,
                                                    HvConfig             *config,
                                                    GError              **error);
gboolean        hv_chat_parse_model_ref            (const char           *ref,
                                                    char                **provider,
                                                    char                **model,
                                                    GError              **error);

G_END_DECLS
