from django.urls import path

from motcua.notify import views

app_name = "notify"
urlpatterns = [
    path("thong-bao/", views.notifications, name="notifications"),
    path("thong-bao/da-doc/", views.mark_all_read, name="mark-all-read"),
    path("thong-bao/<str:public_id>/da-doc/", views.mark_read, name="mark-read"),
    path("lien-he/", views.contacts_page, name="contacts"),
    path("lien-he/<str:channel>/<str:action>/", views.contact_action, name="contact-action"),
    path("nhan-tin-phan-anh/", views.petition_contact, name="petition-contact"),
    path("can-bo/thu-chua-gui-duoc/", views.dead_letters_page, name="dead-letters"),
    path(
        "can-bo/thu-chua-gui-duoc/<str:public_id>/<str:action>/",
        views.dead_letter_action,
        name="dead-letter-action",
    ),
]
