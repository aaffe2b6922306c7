// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HV_TYPE_MODELS_PAGE (hv_models_page_get_type ())

G_DECLARE_FINAL_TYPE (HvModelsPage, hv_models_page, HV, MODELS_PAGE, GtkWidget)

/* The Models section of the sidebar, in two views. Installed: the models of the local
 * provider (Ollama), with a "Running" badge on those loaded, Pull Model…, and for each New
 * Chat, Details and Delete. Chats: the saved chats, newest first, to reopen or delete. When
 * the provider cannot be reached, a bar says why, with Retry; the rest of the window is not
 * affected. Everything is listed when the section is first shown, then on Retry, after a
 * change made here, and (chats) when the chats folder changes. */

void        hv_models_page_refresh         (HvModelsPage *self);
const char *hv_models_page_get_view        (HvModelsPage *self);
void        hv_models_page_set_view        (HvModelsPage *self,
                                            const char   *view);
const char *hv_models_page_get_state       (HvModelsPage *self);
const char *hv_models_page_get_banner_text (HvModelsPage *self);
GtkListBox *hv_models_page_get_models_list (HvModelsPage *self);
GtkListBox *hv_models_page_get_chats_list  (HvModelsPage *self);
guint       hv_models_page_get_n_listings  (HvModelsPage *self);

G_END_DECLS
