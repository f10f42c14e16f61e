from django.urls import path

from . import views, views_board

app_name = "screening"

urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("new/", views.dispute_new, name="new"),
    path("raise/<int:petition_pk>/", views.dispute_raise, name="raise"),
    path("d/<int:pk>/", views.dispute_detail, name="detail"),
    path("d/<int:pk>/act/<str:key>/", views.dispute_act, name="act"),
    path("d/<int:pk>/steps/<int:step_pk>/done/", views.step_done, name="step-done"),
    path("d/<int:pk>/unmask/", views.party_unmask, name="unmask"),
    path("board/", views_board.county_board, name="board"),
    path("board/map/", views_board.board_map, name="map"),
    path("board/image.svg", views_board.board_image, name="board-image"),
    path("campaigns/", views_board.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views_board.campaign_detail, name="campaign"),
    path("leader/", views_board.leader_page, name="leader"),
    path("reception/", views_board.reception_list, name="reception-list"),
    path("reception/<int:pk>/", views_board.reception_detail, name="reception"),
    path("down-visits/", views_board.down_visit_list, name="down-visits"),
    path("import/", views_board.import_page, name="import"),
]
